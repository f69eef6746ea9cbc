"""quota exam rollups: the dashboard's kept theory-exam results

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 08:00:00

"""
from collections import Counter
from datetime import date

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

SEGMENT = 7  # "130100/": every GB/T 2260 code is 6 digits, plus the slash


def upgrade():
    # Closed attempts (taken, passed) per exam audience, region path (the
    # examining institution's region and each ancestor) and UTC day of
    # closing; lms/quotas/exam_rollups.py keeps them in the transaction that
    # closes an attempt. The primary key is the upsert's conflict target.
    table = op.create_table('quota_exam_rollups',
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('region_path', sa.String(length=255), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=False),
    sa.Column('taken', sa.Integer(), nullable=False),
    sa.Column('passed', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('category', 'region_path', 'closed_on', name=op.f('pk_quota_exam_rollups'))
    )
    # Counted here from the attempts already closed, so that the dashboard's
    # figures are right from the first request after the upgrade.
    bind = op.get_bind()
    day = ("CAST(timezone('UTC', a.closed_at) AS DATE)" if bind.dialect.name == "postgresql"
           else "date(a.closed_at)")
    rows = bind.execute(sa.text(
        f"SELECT e.audience, r.path, {day} AS day, count(*), "
        "sum(CASE WHEN a.is_passed THEN 1 ELSE 0 END) "
        "FROM exam_attempts a JOIN exams e ON e.id = a.exam_id "
        "JOIN institutions i ON i.id = e.institution_id JOIN regions r ON r.id = i.region_id "
        f"WHERE a.status != 'open' AND a.closed_at IS NOT NULL GROUP BY e.audience, r.path, {day}"))
    taken, passed = Counter(), Counter()
    for category, path, closed_on, n, n_passed in rows:
        closed_on = date.fromisoformat(closed_on) if isinstance(closed_on, str) else closed_on  # SQLite: text
        for level in range(1, len(path) // SEGMENT + 1):
            key = (category, path[:SEGMENT * level], closed_on)
            taken[key] += n
            passed[key] += int(n_passed or 0)
    if taken:
        op.bulk_insert(table, [{"category": category, "region_path": path, "closed_on": closed_on,
                                "taken": n, "passed": passed[(category, path, closed_on)]}
                               for (category, path, closed_on), n in sorted(taken.items())])


def downgrade():
    op.drop_table('quota_exam_rollups')
