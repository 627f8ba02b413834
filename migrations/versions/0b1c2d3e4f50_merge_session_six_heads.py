"""Merge the branches of session six: search rebuild progress, API token scopes, business
minutes for insight, organisation synonym groups, mail in and the vendor's desk, webhooks.

Revision ID: 0b1c2d3e4f50
Revises: 5b8c2d7e91f4, 5c81f0e2b7d4, 5e8c1f4a9b27, d848653efe97, e89fea22c90f, e838b7c3707d
"""
revision = '0b1c2d3e4f50'
down_revision = ('5b8c2d7e91f4', '5c81f0e2b7d4', '5e8c1f4a9b27', 'd848653efe97', 'e89fea22c90f', 'e838b7c3707d')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
