# The Trace Engine API. Neo4j runs in its own container (docker-compose.yml).
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY trace_engine ./trace_engine
COPY api ./api
COPY cypher ./cypher
COPY seed ./seed
RUN pip install --no-cache-dir -e .
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --retries=12 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health').status != 200)"
CMD ["trace-engine", "serve", "--host", "0.0.0.0", "--port", "8000"]
