"""oidc settings for guardian e-legitimation

Revision ID: c7e1a2b3d4f5
Revises: bafc78946723
Create Date: 2026-12-02 06:30:00

"""
from alembic import op
import sqlalchemy as sa

import helpdesk.models_base


revision = 'c7e1a2b3d4f5'
down_revision = 'bafc78946723'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'oidc_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('issuer', sa.String(length=300), nullable=False),
        sa.Column('client_id', sa.String(length=200), nullable=False),
        sa.Column('client_secret_env', sa.String(length=64), nullable=False),
        sa.Column('claim', sa.String(length=200), nullable=False),
        sa.Column('scopes', sa.String(length=500), nullable=False),
        sa.Column('created_at', helpdesk.models_base.UTCDateTime(), nullable=False),
        sa.Column('updated_at', helpdesk.models_base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_oidc_settings_organisation_id_organisation')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_oidc_settings')),
        sa.UniqueConstraint('organisation_id', name=op.f('uq_oidc_settings_organisation_id')),
    )


def downgrade():
    op.drop_table('oidc_settings')
