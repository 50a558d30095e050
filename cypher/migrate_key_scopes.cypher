// Migration "key-scopes-by-name", run by the schema step once per database. Scopes used to
// nest (write included read); now each is needed by name (trace_engine/keys.py `grants`), so a
// key stored with `write` and no `read` is given `read` explicitly: it keeps what it could do.
// `admin` still includes both, so admin keys are left as they are.

MATCH (k:ApiKey)
WHERE 'write' IN k.scopes AND NOT 'read' IN k.scopes
SET k.scopes = ['read'] + k.scopes
