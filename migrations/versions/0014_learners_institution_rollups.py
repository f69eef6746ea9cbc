"""kept people in training and per-institution certificate counts

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 13:00:00

"""
from collections import Counter

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

SEGMENT = 7  # "130100/": every GB/T 2260 code is 6 digits, plus the slash

# Who is in training (lms/quotas/learners.py): on a course of the category,
# or holding a place on a running class of one of its programmes, and with
# no valid certificate of it; in the region of their person record.
IN_TRAINING = """
SELECT s.person_id, s.category, r.path FROM (
    SELECT e.person_id, c.audience AS category
    FROM course_enrolments e JOIN courses c ON c.id = e.course_id
    UNION
    SELECT e.person_id, p.category
    FROM training_class_enrolments e JOIN training_classes t ON t.id = e.class_id
    JOIN programmes p ON p.id = t.programme_id
    WHERE e.status = 'enrolled' AND t.status = 'running'
    EXCEPT
    SELECT person_id, programme_category FROM certificates WHERE status = 'valid'
) s JOIN people pe ON pe.id = s.person_id JOIN regions r ON r.id = pe.region_id
"""


def upgrade():
    op.create_table('quota_learners',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('region_path', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_quota_learners_person_id_people')),
    sa.PrimaryKeyConstraint('person_id', 'category', name=op.f('pk_quota_learners'))
    )
    counts = op.create_table('quota_learner_counts',
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('region_path', sa.String(length=255), nullable=False),
    sa.Column('learners', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('category', 'region_path', name=op.f('pk_quota_learner_counts'))
    )
    # Key order serves the dashboard's read: a plan, a category, the region shown.
    op.create_table('quota_institution_rollups',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('region_path', sa.String(length=255), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('certificates', sa.Integer(), nullable=False),
    sa.Column('persons', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'],
                            name=op.f('fk_quota_institution_rollups_institution_id_institutions')),
    sa.ForeignKeyConstraint(['plan_id'], ['quota_plans.id'],
                            name=op.f('fk_quota_institution_rollups_plan_id_quota_plans')),
    sa.PrimaryKeyConstraint('plan_id', 'category', 'region_path', 'institution_id',
                            name=op.f('pk_quota_institution_rollups'))
    )
    # Counted here from the rows already written, so that the dashboard's
    # figures are right from the first request after the upgrade.
    bind = op.get_bind()
    bind.execute(sa.text(f"INSERT INTO quota_learners (person_id, category, region_path) {IN_TRAINING}"))
    totals = Counter()
    for category, path, n in bind.execute(sa.text(
            "SELECT category, region_path, count(*) FROM quota_learners GROUP BY category, region_path")):
        for level in range(1, len(path) // SEGMENT + 1):
            totals[(category, path[:SEGMENT * level])] += n
    if totals:
        op.bulk_insert(counts, [{"category": category, "region_path": path, "learners": n}
                                for (category, path), n in sorted(totals.items())])
    # Each plan whose certificate rollups are kept gets its institutions'.
    for level in range(1, 5):
        bind.execute(sa.text(
            "INSERT INTO quota_institution_rollups "
            "(plan_id, category, region_path, institution_id, certificates, persons) "
            "SELECT k.plan_id, c.programme_category, substr(c.region_path, 1, :width), c.institution_id, "
            "count(*), count(DISTINCT c.person_id) "
            "FROM quota_rollup_plans k JOIN certificates c "
            "ON c.issue_date >= k.period_start AND c.issue_date <= k.deadline "
            "WHERE c.status = 'valid' AND c.kind != 'award' AND c.institution_id IS NOT NULL "
            "AND length(c.region_path) >= :width "
            "GROUP BY k.plan_id, c.programme_category, substr(c.region_path, 1, :width), c.institution_id"),
            {"width": SEGMENT * level})


def downgrade():
    op.drop_table('quota_institution_rollups')
    op.drop_table('quota_learner_counts')
    op.drop_table('quota_learners')
