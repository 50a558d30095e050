"""Neo4j Browser guides built from the package's `.cypher` files."""
