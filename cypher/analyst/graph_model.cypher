// The graph model as a picture: every label and relationship type and how they connect.
CALL db.schema.visualization()
