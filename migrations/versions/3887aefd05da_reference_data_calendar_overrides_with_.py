"""reference data: calendar overrides with kind and source, base salary 2026

The `holiday` table becomes the overrides of the statutory calendar (the `holidays` package):
each row gets a kind (holiday, day_off, working_day) and its source. Rows seeded before keep
working as holidays. A database that already holds the seeded base salaries gets the amount in
force from 01/07/2026 and the 2025–2026 swaps, as a new database's seed does.

Revision ID: 3887aefd05da
Revises: 1e55f4950fb4
Create Date: 2026-11-30 09:30:37.275656

"""
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = '3887aefd05da'
down_revision = '1e55f4950fb4'
branch_labels = None
depends_on = None

SEEDED_SOURCE = "Danh sách ngày lễ 2025–2026 nạp sẵn (seed)"
SALARY_2026 = (date(2026, 7, 1), 2_530_000,
               "Nghị định 161/2026/NĐ-CP (as reported; verify against the official gazette)")
OVERRIDES = [
    (date(2025, 5, 2), "day_off", "Nghỉ hoán đổi dịp 30/4–1/5 (làm bù thứ Bảy 26/4/2025)",
     "Thông báo hoán đổi ngày làm việc dịp 30/4–1/5/2025 (as reported; holidays 0.109)"),
    (date(2025, 4, 26), "working_day", "Làm bù cho ngày 02/5/2025",
     "Thông báo hoán đổi ngày làm việc dịp 30/4–1/5/2025 (as reported; holidays 0.109)"),
    (date(2026, 8, 31), "day_off", "Nghỉ hoán đổi dịp Quốc khánh (làm bù thứ Bảy 22/8/2026)",
     "Lịch nghỉ Quốc khánh 2026: 29/8–2/9 (as reported; holidays 0.109)"),
    (date(2026, 8, 22), "working_day", "Làm bù cho ngày 31/8/2026",
     "Lịch nghỉ Quốc khánh 2026: 29/8–2/9 (as reported; holidays 0.109)"),
]


def upgrade():
    with op.batch_alter_table('holiday', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=12), server_default='holiday',
                                      nullable=False))
        batch_op.add_column(sa.Column('source', sa.String(length=255), server_default='',
                                      nullable=False))
        batch_op.create_check_constraint(
            'kind_known', "kind IN ('holiday', 'day_off', 'working_day')")
    holiday = sa.table('holiday', sa.column('day', sa.Date), sa.column('name', sa.String),
                       sa.column('kind', sa.String), sa.column('source', sa.String))
    salary = sa.table('base_salary', sa.column('effective_from', sa.Date),
                      sa.column('amount', sa.Integer),
                      sa.column('legal_reference', sa.String))
    bind = op.get_bind()
    bind.execute(holiday.update().where(holiday.c.source == '').values(source=SEEDED_SOURCE))
    if bind.execute(sa.select(sa.func.count()).select_from(salary)).scalar():
        known = set(bind.execute(sa.select(salary.c.effective_from)).scalars())
        if SALARY_2026[0] not in known:
            bind.execute(salary.insert().values(effective_from=SALARY_2026[0],
                                                amount=SALARY_2026[1],
                                                legal_reference=SALARY_2026[2]))
    if bind.execute(sa.select(sa.func.count()).select_from(holiday)).scalar():
        known = set(bind.execute(sa.select(holiday.c.day)).scalars())
        missing = [{"day": day, "kind": kind, "name": name, "source": source}
                   for day, kind, name, source in OVERRIDES if day not in known]
        if missing:
            bind.execute(holiday.insert(), missing)

def downgrade():
    bind = op.get_bind()
    holiday = sa.table('holiday', sa.column('kind', sa.String))
    bind.execute(holiday.delete().where(holiday.c.kind != 'holiday'))
    with op.batch_alter_table('holiday', schema=None) as batch_op:
        batch_op.drop_constraint('kind_known', type_='check')
        batch_op.drop_column('source')
        batch_op.drop_column('kind')
