"""Logs never carry personal data: bug reports keep the stack and drop the message, SQL hides values."""

import logging

import pytest
from sqlalchemy.exc import IntegrityError

from aftercare_desktop.logging_setup import configure_logging, log_bug
from aftercare_desktop.models import Alumnus


def test_bug_reports_leave_out_the_exception_message(caplog):
    try:
        raise ValueError("José Núñez, born 1990-01-01")
    except ValueError as exc:
        with caplog.at_level(logging.ERROR):
            log_bug(type(exc), exc, exc.__traceback__)
    assert "ValueError" in caplog.text
    assert "test_no_phi_in_logs.py" in caplog.text
    assert "Núñez" not in caplog.text and "1990" not in caplog.text


def test_database_errors_do_not_quote_record_values(sqlite_db):
    with sqlite_db.session() as session:
        session.add(Alumnus(client_id="AC-1", first_name="Zoë", last_name="Secretname", row_version=1))
        session.add(Alumnus(client_id="AC-1", first_name="Zoë", last_name="Othername", row_version=1))
        with pytest.raises(IntegrityError) as raised:
            session.flush()
    assert "Secretname" not in str(raised.value) and "Othername" not in str(raised.value)


def test_log_file_rotates_in_the_given_folder(tmp_path):
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        path = configure_logging(tmp_path)
        logging.getLogger("aftercare.test").info("started with %d alumni", 3)
        for handler in root.handlers:
            handler.flush()
        assert path.parent == tmp_path
        assert "started with 3 alumni" in path.read_text()
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
                handler.close()
