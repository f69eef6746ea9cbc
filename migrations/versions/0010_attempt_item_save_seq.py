"""attempt items: the sequence number of the last autosave applied

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    # Reviewed: the exam page numbers its autosaves and retries them after a
    # dropped connection; a save is applied only when its number is above the
    # stored one, so a late, older save never overwrites a newer answer. The
    # server default fills existing rows (0: any numbered save applies).
    with op.batch_alter_table('exam_attempt_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('save_seq', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('exam_attempt_items', schema=None) as batch_op:
        batch_op.drop_column('save_seq')
