"""SQL pieces the services share that SQLAlchemy does not say the same way for every database."""

from __future__ import annotations

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class no_index(FunctionElement):
    """A column SQLite must not pick an index for (a unary plus); PostgreSQL plans for itself.

    For "every active alumnus": most alumni are active, and through the status index SQLite fetches
    four rows in five one by one, in name order, where one pass over the table is several times faster.
    """

    inherit_cache = True

    def __init__(self, column):
        super().__init__(column)
        self.type = column.type


@compiles(no_index, "sqlite")
def _no_index_sqlite(element, compiler, **kw):
    return f"+{compiler.process(element.clauses, **kw)}"


@compiles(no_index)
def _no_index_default(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)
