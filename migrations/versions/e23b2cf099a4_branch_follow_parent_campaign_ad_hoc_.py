"""Each level follows its branch: a campaign answers its parent campaign (hưởng ứng), an ad-hoc
report period asks chosen units, cluster members sign the compact, extensions for nominations
too, late reports marked (issue 16)

Revision ID: e23b2cf099a4
Revises: f90711703677
Create Date: 2026-11-30 12:12:08.371465

"""
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e23b2cf099a4'
down_revision = 'f90711703677'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'report_period_unit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('period_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['period_id'], ['report_period.id'],
                                name=op.f('fk_report_period_unit_period_id_report_period'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'],
                                name=op.f('fk_report_period_unit_unit_id_unit'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_period_unit')),
        sa.UniqueConstraint('period_id', 'unit_id', name='report_period_unit_once'))
    with op.batch_alter_table('report_period_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_period_unit_period_id'), ['period_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_report_period_unit_unit_id'), ['unit_id'],
                              unique=False)

    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_campaign_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_campaign_parent_campaign_id'),
                              ['parent_campaign_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_campaign_parent_campaign_id_campaign'),
                                    'campaign', ['parent_campaign_id'], ['id'],
                                    ondelete='SET NULL')

    with op.batch_alter_table('cluster_member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('compact_signed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('compact_signed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('compact_signed_by', sa.String(length=150),
                                      server_default='', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_cluster_member_compact_signed_by_id_user'),
                                    'user', ['compact_signed_by_id'], ['id'],
                                    ondelete='SET NULL')

    with op.batch_alter_table('deadline_extension', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16),
                                      server_default='registration', nullable=False))
        batch_op.drop_constraint('extension_campaign_unit', type_='unique')
        batch_op.create_unique_constraint('extension_campaign_unit_kind',
                                          ['campaign_id', 'unit_id', 'kind'])
        batch_op.create_check_constraint('kind_known',
                                         "kind IN ('registration', 'nomination')")

    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('late_days', sa.Integer(), nullable=True))
    _mark_late_reports()


def _mark_late_reports():
    """Reports submitted before this revision: days past their period's deadline, counted
    from the day of their (last) submission in Vietnam (UTC+7)."""
    bind = op.get_bind()
    report = sa.table('report', sa.column('id', sa.Integer), sa.column('period_id', sa.Integer),
                      sa.column('submitted_at', sa.DateTime),
                      sa.column('late_days', sa.Integer))
    period = sa.table('report_period', sa.column('id', sa.Integer),
                      sa.column('deadline', sa.Date))
    rows = bind.execute(sa.select(report.c.id, report.c.submitted_at, period.c.deadline)
                        .join(period, period.c.id == report.c.period_id)
                        .where(report.c.submitted_at.is_not(None))).all()
    for report_id, submitted_at, deadline in rows:
        day = (submitted_at + timedelta(hours=7)).date()
        bind.execute(report.update().where(report.c.id == report_id)
                     .values(late_days=max(0, (day - deadline).days)))


def downgrade():
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_column('late_days')

    op.execute("DELETE FROM deadline_extension WHERE kind <> 'registration'")
    with op.batch_alter_table('deadline_extension', schema=None) as batch_op:
        batch_op.drop_constraint('kind_known', type_='check')
        batch_op.drop_constraint('extension_campaign_unit_kind', type_='unique')
        batch_op.create_unique_constraint('extension_campaign_unit', ['campaign_id', 'unit_id'])
        batch_op.drop_column('kind')

    with op.batch_alter_table('cluster_member', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cluster_member_compact_signed_by_id_user'),
                                 type_='foreignkey')
        batch_op.drop_column('compact_signed_by')
        batch_op.drop_column('compact_signed_by_id')
        batch_op.drop_column('compact_signed_at')

    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_campaign_parent_campaign_id_campaign'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_campaign_parent_campaign_id'))
        batch_op.drop_column('parent_campaign_id')

    with op.batch_alter_table('report_period_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_period_unit_unit_id'))
        batch_op.drop_index(batch_op.f('ix_report_period_unit_period_id'))
    op.drop_table('report_period_unit')
