"""Certificates: how each award type prints, and the calibration of pre-printed blanks

`certificate_style` (one per award type): full design or text on blanks, the design's
heading, the emblem image (an attachment). `certificate_layout` (one per award type and
printer): the offset in mm of each printed field from its default place on the blank.

Revision ID: b83375ff151f
Revises: 531285064bb2
Create Date: 2026-11-30 15:35:11.291740

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b83375ff151f'
down_revision = '531285064bb2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificate_layout',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('award_type_id', sa.Integer(), nullable=False),
    sa.Column('printer', sa.String(length=100), nullable=False),
    sa.Column('subject_dx', sa.Numeric(precision=5, scale=1), server_default='0', nullable=False),
    sa.Column('subject_dy', sa.Numeric(precision=5, scale=1), server_default='0', nullable=False),
    sa.Column('unit_dx', sa.Numeric(precision=5, scale=1), server_default='0', nullable=False),
    sa.Column('unit_dy', sa.Numeric(precision=5, scale=1), server_default='0', nullable=False),
    sa.Column('award_dx', sa.Numeric(precision=5, scale=1), server_default='0', nullable=False),
    sa.Column('award_dy', sa.Numeric(precision=5, scale=1), server_default='0', nullable=False),
    sa.Column('decision_dx', sa.Numeric(precision=5, scale=1), server_default='0', nullable=False),
    sa.Column('decision_dy', sa.Numeric(precision=5, scale=1), server_default='0', nullable=False),
    sa.Column('date_dx', sa.Numeric(precision=5, scale=1), server_default='0', nullable=False),
    sa.Column('date_dy', sa.Numeric(precision=5, scale=1), server_default='0', nullable=False),
    sa.Column('signer_dx', sa.Numeric(precision=5, scale=1), server_default='0', nullable=False),
    sa.Column('signer_dy', sa.Numeric(precision=5, scale=1), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("printer <> ''", name=op.f('ck_certificate_layout_printer_named')),
    sa.CheckConstraint('award_dx BETWEEN -150 AND 150', name=op.f('ck_certificate_layout_award_dx_on_sheet')),
    sa.CheckConstraint('award_dy BETWEEN -150 AND 150', name=op.f('ck_certificate_layout_award_dy_on_sheet')),
    sa.CheckConstraint('date_dx BETWEEN -150 AND 150', name=op.f('ck_certificate_layout_date_dx_on_sheet')),
    sa.CheckConstraint('date_dy BETWEEN -150 AND 150', name=op.f('ck_certificate_layout_date_dy_on_sheet')),
    sa.CheckConstraint('decision_dx BETWEEN -150 AND 150', name=op.f('ck_certificate_layout_decision_dx_on_sheet')),
    sa.CheckConstraint('decision_dy BETWEEN -150 AND 150', name=op.f('ck_certificate_layout_decision_dy_on_sheet')),
    sa.CheckConstraint('signer_dx BETWEEN -150 AND 150', name=op.f('ck_certificate_layout_signer_dx_on_sheet')),
    sa.CheckConstraint('signer_dy BETWEEN -150 AND 150', name=op.f('ck_certificate_layout_signer_dy_on_sheet')),
    sa.CheckConstraint('subject_dx BETWEEN -150 AND 150', name=op.f('ck_certificate_layout_subject_dx_on_sheet')),
    sa.CheckConstraint('subject_dy BETWEEN -150 AND 150', name=op.f('ck_certificate_layout_subject_dy_on_sheet')),
    sa.CheckConstraint('unit_dx BETWEEN -150 AND 150', name=op.f('ck_certificate_layout_unit_dx_on_sheet')),
    sa.CheckConstraint('unit_dy BETWEEN -150 AND 150', name=op.f('ck_certificate_layout_unit_dy_on_sheet')),
    sa.ForeignKeyConstraint(['award_type_id'], ['award_type.id'], name=op.f('fk_certificate_layout_award_type_id_award_type'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_layout')),
    sa.UniqueConstraint('award_type_id', 'printer', name='award_printer')
    )
    with op.batch_alter_table('certificate_layout', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_layout_award_type_id'), ['award_type_id'], unique=False)

    op.create_table('certificate_style',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('award_type_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=10), server_default='design', nullable=False),
    sa.Column('heading', sa.String(length=120), server_default='', nullable=False),
    sa.Column('emblem_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("mode IN ('design', 'blank')", name=op.f('ck_certificate_style_mode_known')),
    sa.ForeignKeyConstraint(['award_type_id'], ['award_type.id'], name=op.f('fk_certificate_style_award_type_id_award_type'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['emblem_id'], ['attachment.id'], name=op.f('fk_certificate_style_emblem_id_attachment'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_style')),
    sa.UniqueConstraint('award_type_id', name=op.f('uq_certificate_style_award_type_id'))
    )


def downgrade():
    op.drop_table('certificate_style')
    with op.batch_alter_table('certificate_layout', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_layout_award_type_id'))

    op.drop_table('certificate_layout')
