from trace_engine.cli import app

app()
