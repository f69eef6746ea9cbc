"""quota rollups: the dashboard's kept certificate counts per plan

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    # Reviewed: valid certificates counted per plan, category, grain (month
    # or day), region path (the certificate's region and each ancestor) and
    # day (lms/quotas/rollups.py keeps them in the certificate writes'
    # transactions). The primary key is the upsert's
    # conflict target and serves the dashboard's range reads. The tables
    # start empty: until `flask quotas rebuild` (or `flask content import`)
    # has counted a plan, the dashboard counts it from the raw certificates.
    op.create_table('quota_rollups',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('grain', sa.String(length=8), nullable=False),
    sa.Column('region_path', sa.String(length=255), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('certificates', sa.Integer(), nullable=False),
    sa.Column('persons', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['quota_plans.id'], name=op.f('fk_quota_rollups_plan_id_quota_plans')),
    sa.PrimaryKeyConstraint('plan_id', 'category', 'grain', 'region_path', 'starts_on',
                            name=op.f('pk_quota_rollups'))
    )
    op.create_table('quota_rollup_plans',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('rebuilt_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['quota_plans.id'], name=op.f('fk_quota_rollup_plans_plan_id_quota_plans')),
    sa.PrimaryKeyConstraint('plan_id', name=op.f('pk_quota_rollup_plans'))
    )


def downgrade():
    op.drop_table('quota_rollup_plans')
    op.drop_table('quota_rollups')
