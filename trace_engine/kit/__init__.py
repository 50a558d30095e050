"""The shared kit: small helpers every domain package uses, one module per concern.

Look here before writing a helper that is not about one domain:

- `timestamps`: UTC timestamps as `YYYY-MM-DDTHH:MM:SS.mmmZ` text (the form every node holds).
- `inputs`: request bodies in camelCase or snake_case, answers in camelCase; explicit-null
  refusal (and its JSON Schema); integer ids as text.
- `bounds`: the input-bounds policy: identifiers, integers, quantities, dates, pages.
- `metadata`: free JSON metadata stored as text, with one size limit.
- `paging`: page arithmetic and the page metadata of list answers.
"""
