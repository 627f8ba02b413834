"""insight: a week level of the times, slots that widen past 4 hours, resolution per tier;
an index for "open now"

Revision ID: 263b7e340036
Revises: 0e9191d19470
Create Date: 2026-12-03 07:50:29.225694

The stored times are converted in place, so no rebuild is needed: every old slot of 6
minutes lies inside one new slot (the new slots start at multiples of 6 minutes), so the
rows are merged into their new slot with the sum of their counts and the largest of their
times, which is what counting the tickets again would give; the measure "resolution"
becomes "resolved:<tier>"; the week level is summed from the days.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '263b7e340036'
down_revision = '0e9191d19470'
branch_labels = None
depends_on = None

_ENUM = dict(native_enum=False, length=32)
# As in helpdesk/insight/rollup.py today, written out: a migration must not change when the code does.
_SLOT, _PER_DOUBLING, _DOUBLINGS = 6, 40, 20
_DAY_DIMENSIONS = 'organisation_id, day, week, school_id, category, tier, vendor_id'
_OPEN = ('status', 'organisation_id', 'created_at', 'tier', 'school_id', 'category', 'vendor_id',
         'vendor_escalated_at')
_WEEK_INDEXES = {
    'ix_insight_week_time_org_week': ['organisation_id', 'week', 'measure', 'slot', 'tier', 'vendor_id', 'count',
                                      'largest'],
}


def _slot(minutes: str) -> str:
    linear = _SLOT * _PER_DOUBLING
    whens = [f'WHEN {minutes} < {linear} THEN {minutes} / {_SLOT}']
    for k in range(_DOUBLINGS - 1):
        low = linear << k
        whens.append(f'WHEN {minutes} < {2 * low} THEN {_PER_DOUBLING * (k + 1)} + ({minutes} - {low}) / {_SLOT << k}')
    k = _DOUBLINGS - 1
    return (f"CASE {' '.join(whens)} ELSE {_PER_DOUBLING * (k + 1)} + ({minutes} - {linear << k}) / {_SLOT << k} END")


def upgrade():
    op.create_table(
        'insight_week_time',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('week', sa.Date(), nullable=False),
        sa.Column('tier', sa.Enum('local', 'central', 'vendor', name='tier', **_ENUM), nullable=False),
        sa.Column('vendor_id', sa.Integer(), nullable=True),
        sa.Column('measure', sa.String(length=16), nullable=False),
        sa.Column('slot', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('largest', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                                name='fk_insight_week_time_organisation_id_organisation'),
        sa.ForeignKeyConstraint(['vendor_id'], ['vendor.id'], name='fk_insight_week_time_vendor_id_vendor'),
        sa.PrimaryKeyConstraint('id', name='pk_insight_week_time'),
    )
    for name, columns in _WEEK_INDEXES.items():
        op.create_index(name, 'insight_week_time', columns)
    op.create_index('ix_ticket_insight_open', 'ticket', list(_OPEN))
    # The old rows (slot >= 0) merged into new ones written with negative slots, then swapped.
    measure = "CASE WHEN measure = 'resolution' THEN 'resolved:' || tier ELSE measure END"
    new_slot = _slot(f'(slot * {_SLOT})')
    op.execute(f'INSERT INTO insight_day_time ({_DAY_DIMENSIONS}, measure, slot, count, largest) '
               f'SELECT {_DAY_DIMENSIONS}, {measure}, -1 - {new_slot}, SUM(count), MAX(largest) '
               f'FROM insight_day_time GROUP BY {_DAY_DIMENSIONS}, {measure}, {new_slot}')
    op.execute('DELETE FROM insight_day_time WHERE slot >= 0')
    op.execute('UPDATE insight_day_time SET slot = -1 - slot')
    op.execute('INSERT INTO insight_week_time (organisation_id, week, tier, vendor_id, measure, slot, count, largest) '
               'SELECT organisation_id, week, tier, vendor_id, measure, slot, SUM(count), MAX(largest) '
               'FROM insight_day_time GROUP BY organisation_id, week, tier, vendor_id, measure, slot')


def downgrade():
    # The older slots cannot be told apart in the wider ones: the times are emptied, and
    # `flask --app helpdesk insight rebuild` (of the older version) counts them again.
    op.execute('DELETE FROM insight_day_time')
    op.drop_index('ix_ticket_insight_open', table_name='ticket')
    for name in _WEEK_INDEXES:
        op.drop_index(name, table_name='insight_week_time')
    op.drop_table('insight_week_time')
