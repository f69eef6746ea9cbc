"""courses and study hours

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 03:24:59.516605

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    # Reviewed: courses, lessons, quizzes, enrolment and study-hour evidence.
    op.create_table('courses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=128), nullable=False),
    sa.Column('audience', sa.String(length=32), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('nominal_hours', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('references_json', sa.Text(), nullable=False),
    sa.Column('source_hash', sa.String(length=64), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_courses')),
    sa.UniqueConstraint('slug', name=op.f('uq_courses_slug'))
    )
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_courses_audience'), ['audience'], unique=False)

    op.create_table('lessons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=128), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=32), nullable=False),
    sa.Column('video_url', sa.String(length=500), nullable=True),
    sa.Column('attachments_json', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('quiz_pass_percent', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_lessons_course_id_courses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lessons')),
    sa.UniqueConstraint('course_id', 'slug', name='uq_lessons_course_slug')
    )
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lessons_course_id'), ['course_id'], unique=False)

    op.create_table('quiz_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('stem', sa.Text(), nullable=False),
    sa.Column('options_json', sa.Text(), nullable=False),
    sa.Column('answer', sa.String(length=16), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_quiz_questions_lesson_id_lessons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_questions'))
    )
    with op.batch_alter_table('quiz_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_questions_lesson_id'), ['lesson_id'], unique=False)

    op.create_table('course_enrolments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('enrolled_by_id', sa.Integer(), nullable=True),
    sa.Column('last_lesson_id', sa.Integer(), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_course_enrolments_course_id_courses')),
    sa.ForeignKeyConstraint(['enrolled_by_id'], ['users.id'], name=op.f('fk_course_enrolments_enrolled_by_id_users')),
    sa.ForeignKeyConstraint(['last_lesson_id'], ['lessons.id'], name=op.f('fk_course_enrolments_last_lesson_id_lessons')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_course_enrolments_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_enrolments')),
    sa.UniqueConstraint('person_id', 'course_id', name='uq_course_enrolments_person_course')
    )
    with op.batch_alter_table('course_enrolments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_enrolments_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_enrolments_person_id'), ['person_id'], unique=False)

    op.create_table('lesson_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('credited_seconds', sa.Integer(), nullable=False),
    sa.Column('quiz_attempts', sa.Integer(), nullable=False),
    sa.Column('quiz_passed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_studied_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_lesson_progress_lesson_id_lessons')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_lesson_progress_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson_progress')),
    sa.UniqueConstraint('person_id', 'lesson_id', name='uq_lesson_progress_person_lesson')
    )
    with op.batch_alter_table('lesson_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_progress_lesson_id'), ['lesson_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_progress_person_id'), ['person_id'], unique=False)

    op.create_table('study_intervals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_beat_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('heartbeats', sa.Integer(), nullable=False),
    sa.Column('credited_seconds', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_study_intervals_lesson_id_lessons')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_study_intervals_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_intervals'))
    )
    with op.batch_alter_table('study_intervals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_study_intervals_lesson_id'), ['lesson_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_study_intervals_person_id'), ['person_id'], unique=False)

    op.create_table('study_clocks',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=True),
    sa.Column('interval_id', sa.Integer(), nullable=True),
    sa.Column('last_beat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['interval_id'], ['study_intervals.id'], name=op.f('fk_study_clocks_interval_id_study_intervals')),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_study_clocks_lesson_id_lessons')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_study_clocks_person_id_people')),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_study_clocks'))
    )




def downgrade():
    # Reviewed: courses, lessons, quizzes, enrolment and study-hour evidence.
    op.drop_table('study_clocks')
    with op.batch_alter_table('study_intervals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_intervals_person_id'))
        batch_op.drop_index(batch_op.f('ix_study_intervals_lesson_id'))

    op.drop_table('study_intervals')
    with op.batch_alter_table('lesson_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_progress_person_id'))
        batch_op.drop_index(batch_op.f('ix_lesson_progress_lesson_id'))

    op.drop_table('lesson_progress')
    with op.batch_alter_table('course_enrolments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_enrolments_person_id'))
        batch_op.drop_index(batch_op.f('ix_course_enrolments_course_id'))

    op.drop_table('course_enrolments')
    with op.batch_alter_table('quiz_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_questions_lesson_id'))

    op.drop_table('quiz_questions')
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lessons_course_id'))

    op.drop_table('lessons')
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_courses_audience'))

    op.drop_table('courses')