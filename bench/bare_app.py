"""The baseline of bench/web.py: a bare Flask route, served by gunicorn with the portal's settings."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def bare() -> str:
    return "ok"
