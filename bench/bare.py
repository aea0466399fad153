"""The ceiling: a truly bare Flask app, one route returning a short string, served by the same
gunicorn command as Askel in the same run. No extensions, no hooks, no database."""
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "ok"
