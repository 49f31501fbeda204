"""document templates and unit letterhead

Units get the place name, governing body and signature block their documents print; the
documents used to print "Hà Nội" for every unit, so existing units keep that place (editable
on the document templates page).

Revision ID: 50ed68c2690a
Revises: b83375ff151f
Create Date: 2026-11-30 15:35:54.180405

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '50ed68c2690a'
down_revision = 'b83375ff151f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('document_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('decision', 'memo', 'minutes', 'nomination_list', 'report_individual', 'report_collective')", name=op.f('ck_document_template_kind_known')),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'], name=op.f('fk_document_template_attachment_id_attachment'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_document_template_unit_id_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_template')),
    sa.UniqueConstraint('unit_id', 'kind', name='uq_document_template_unit_kind')
    )
    with op.batch_alter_table('document_template', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_template_unit_id'), ['unit_id'], unique=False)

    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('place_name', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('letterhead', sa.String(length=255), server_default='', nullable=False))
        batch_op.add_column(sa.Column('sign_for', sa.String(length=150), server_default='', nullable=False))
        batch_op.add_column(sa.Column('signer_title', sa.String(length=150), server_default='', nullable=False))

    op.execute(sa.text("UPDATE unit SET place_name = 'Hà Nội'"))


def downgrade():
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_column('signer_title')
        batch_op.drop_column('sign_for')
        batch_op.drop_column('letterhead')
        batch_op.drop_column('place_name')

    with op.batch_alter_table('document_template', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_template_unit_id'))

    op.drop_table('document_template')
