// Quarantine metadata that cannot be encoded back (stored before the input bounds): the
// original text is kept in `metadataOriginal`, `metadata` becomes its mended form (integers
// beyond 64 bits and NaN/Infinity as strings, levels below the depth limit as JSON text) and
// `metadataQuarantine` says what was done. Only if the text is still the one that was checked.
// :param node => '4:f8a18547-f398-4f68-a459-be90c0adb195:1'
// :param text => '{"n":123456789012345678901234567890}'
// :param mended => '{"n":"123456789012345678901234567890"}'
// :param reason => 'integers beyond 64 bits kept as strings'
// :param now => '2026-11-29T18:40:00.000Z'
MATCH (n) WHERE elementId(n) = $node AND n.metadata = $text
SET n.metadataOriginal = n.metadata,
    n.metadata = $mended,
    n.metadataQuarantine = $reason,
    n.quarantinedAt = $now
RETURN count(n) AS quarantined
