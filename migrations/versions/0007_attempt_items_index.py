"""attempt items: drop the index on attempt_id alone

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 23:15:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # The unique (attempt_id, position) index serves every lookup by attempt;
    # a second index on attempt_id alone only cost every paper drawn a
    # hundred more index entries.
    with op.batch_alter_table('exam_attempt_items', schema=None) as batch_op:
        batch_op.drop_index('ix_exam_attempt_items_attempt_id')


def downgrade():
    with op.batch_alter_table('exam_attempt_items', schema=None) as batch_op:
        batch_op.create_index('ix_exam_attempt_items_attempt_id', ['attempt_id'], unique=False)
