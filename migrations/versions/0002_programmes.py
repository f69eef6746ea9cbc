"""training programmes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 03:14:56.735977

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    # Reviewed: programmes loaded from content/programs.yaml.
    op.create_table('programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.Column('certificate_kind', sa.String(length=16), nullable=False),
    sa.Column('theory_pass_mark', sa.Integer(), nullable=True),
    sa.Column('practical_pass_mark', sa.Integer(), nullable=True),
    sa.Column('needs_review', sa.Boolean(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('level IS NULL OR level BETWEEN 1 AND 5', name=op.f('ck_programmes_level')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programmes')),
    sa.UniqueConstraint('code', name=op.f('uq_programmes_code'))
    )
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programmes_category'), ['category'], unique=False)



def downgrade():
    # Reviewed: programmes loaded from content/programs.yaml.
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programmes_category'))

    op.drop_table('programmes')
