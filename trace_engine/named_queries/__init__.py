"""Named EPCIS queries per org (the REST bindings' `/queries`): stored, listed, run."""
