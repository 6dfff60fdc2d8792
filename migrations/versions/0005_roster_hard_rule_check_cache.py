"""roster: keep the last hard-rule check of a draft with the digest of its inputs

Revision ID: 0005
Revises: 0007
Create Date: 2026-11-22 18:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('roster', schema=None) as batch_op:
        batch_op.add_column(sa.Column('check_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('check_violations', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('roster', schema=None) as batch_op:
        batch_op.drop_column('check_violations')
        batch_op.drop_column('check_key')
