"""WSGI entry point for deployment: ``gunicorn -k gevent -w 1 wsgi:app`` or similar.

gevent patches the standard library before Flask is imported, as Flask-SocketIO requires.
"""

from gevent import monkey

monkey.patch_all()

from workshop import create_app  # noqa: E402

app = create_app()
