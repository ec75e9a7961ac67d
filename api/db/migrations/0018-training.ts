import { sql, type Kysely } from 'kysely';

const now = sql`now()`;
const emptyJsonList = sql`'[]'::jsonb`;

/**
 * Training people (issue 17, ADRs 0027–0030): experts' marks on specimens for the specimen bank, trainees' practice sessions
 * with their questions and a spaced-repetition card per taxon, quizzes launched in live classes with one answer per
 * trainee, and courses that group trainees and give them practice sets and classes to attend by a due date.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('specimen_teaching_marks')
    .addColumn('specimen_id', 'uuid', (col) => col.primaryKey().references('specimens.id').onDelete('cascade'))
    // `example`: shown first in the bank and preferred for questions; `hidden`: a poor specimen kept out of both.
    .addColumn('mark', 'text', (col) => col.notNull())
    .addColumn('note', 'text')
    .addColumn('marked_by', 'uuid', (col) => col.notNull().references('users.id'))
    .addColumn('marked_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addCheckConstraint('specimen_teaching_marks_mark', sql`mark in ('example', 'hidden')`)
    .execute();

  await db.schema
    .createTable('courses')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // The instructor's unit: whose administrators and experts see and run the course.
    .addColumn('unit_id', 'uuid', (col) => col.notNull().references('units.id'))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('description', 'text')
    .addColumn('created_by', 'uuid', (col) => col.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('archived_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('courses_unit').on('courses').column('unit_id').execute();

  await db.schema
    .createTable('course_members')
    .addColumn('course_id', 'uuid', (col) => col.notNull().references('courses.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id'))
    .addColumn('added_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('course_members_pk', ['course_id', 'user_id'])
    .execute();
  await db.schema.createIndex('course_members_user').on('course_members').column('user_id').execute();

  await db.schema
    .createTable('course_assignments')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('course_id', 'uuid', (col) => col.notNull().references('courses.id').onDelete('cascade'))
    // `practice`: a practice set each member works through; `class`: a class room each member attends.
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('room_id', 'uuid', (col) => col.references('rooms.id'))
    .addColumn('practice_size', 'integer')
    .addColumn('practice_groups', 'jsonb', (col) => col.notNull().defaultTo(emptyJsonList))
    .addColumn('practice_taxa', 'jsonb', (col) => col.notNull().defaultTo(emptyJsonList))
    .addColumn('due_at', 'timestamptz', (col) => col.notNull())
    .addColumn('created_by', 'uuid', (col) => col.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addCheckConstraint(
      'course_assignments_kind',
      sql`(kind = 'practice' and practice_size >= 1 and room_id is null) or (kind = 'class' and room_id is not null and practice_size is null)`,
    )
    .execute();
  await db.schema.createIndex('course_assignments_course').on('course_assignments').columns(['course_id', 'due_at']).execute();

  await db.schema
    .createTable('practice_sessions')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('trainee_id', 'uuid', (col) => col.notNull().references('users.id'))
    .addColumn('size', 'integer', (col) => col.notNull())
    .addColumn('groups', 'jsonb', (col) => col.notNull().defaultTo(emptyJsonList))
    .addColumn('taxa', 'jsonb', (col) => col.notNull().defaultTo(emptyJsonList))
    // How its questions were drawn (ADR 0028): `gentle`, `mixed` or `hard`.
    .addColumn('difficulty', 'text', (col) => col.notNull().defaultTo('mixed'))
    // The course assignment it was started for, if any: what the course's progress counts.
    .addColumn('assignment_id', 'uuid', (col) => col.references('course_assignments.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('finished_at', 'timestamptz')
    .addCheckConstraint('practice_sessions_size', sql`size >= 1`)
    .addCheckConstraint('practice_sessions_difficulty', sql`difficulty in ('gentle', 'mixed', 'hard')`)
    .execute();
  await db.schema.createIndex('practice_sessions_trainee').on('practice_sessions').columns(['trainee_id', 'created_at']).execute();
  await db.schema.createIndex('practice_sessions_assignment').on('practice_sessions').column('assignment_id').execute();

  await db.schema
    .createTable('practice_questions')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('session_id', 'uuid', (col) => col.notNull().references('practice_sessions.id').onDelete('cascade'))
    .addColumn('position', 'integer', (col) => col.notNull())
    .addColumn('specimen_id', 'uuid', (col) => col.notNull().references('specimens.id'))
    .addColumn('image_id', 'uuid', (col) => col.notNull().references('specimen_images.id'))
    // The confirmed answer when the question was set, so a later correction does not rescore answers already given.
    .addColumn('taxon_id', 'text', (col) => col.notNull().references('taxa.id'))
    .addColumn('life_stage', 'text')
    .addColumn('notes', 'text')
    .addColumn('answered_taxon_id', 'text')
    .addColumn('correct', 'boolean')
    .addColumn('answered_at', 'timestamptz')
    .addUniqueConstraint('practice_questions_position', ['session_id', 'position'])
    .addCheckConstraint(
      'practice_questions_answered',
      sql`(answered_at is null) = (answered_taxon_id is null) and (answered_at is null) = (correct is null)`,
    )
    .execute();
  await db.schema.createIndex('practice_questions_specimen').on('practice_questions').column('specimen_id').execute();

  await db.schema
    .createTable('practice_cards')
    .addColumn('trainee_id', 'uuid', (col) => col.notNull().references('users.id'))
    .addColumn('taxon_id', 'text', (col) => col.notNull().references('taxa.id'))
    // Leitner box: 1 after a wrong answer, one up after each right one; the box sets how long until it is due again.
    .addColumn('box', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('due_at', 'timestamptz', (col) => col.notNull())
    .addColumn('answered', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('correct', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_answered_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('practice_cards_pk', ['trainee_id', 'taxon_id'])
    .addCheckConstraint('practice_cards_counts', sql`box >= 1 and correct >= 0 and correct <= answered`)
    .execute();

  await db.schema
    .createTable('room_quizzes')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('room_id', 'uuid', (col) => col.notNull().references('rooms.id'))
    .addColumn('specimen_id', 'uuid', (col) => col.notNull().references('specimens.id'))
    .addColumn('image_id', 'uuid', (col) => col.notNull().references('specimen_images.id'))
    .addColumn('taxon_id', 'text', (col) => col.notNull().references('taxa.id'))
    .addColumn('life_stage', 'text')
    .addColumn('notes', 'text')
    // The taxa trainees choose from (the right one among look-alikes), in the order they are shown.
    .addColumn('options', 'jsonb', (col) => col.notNull())
    .addColumn('launched_by', 'uuid', (col) => col.notNull().references('users.id'))
    .addColumn('launched_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('closes_at', 'timestamptz', (col) => col.notNull())
    .addColumn('revealed_at', 'timestamptz')
    .addCheckConstraint('room_quizzes_closes_after_launch', sql`closes_at > launched_at`)
    .execute();
  // One question at a time in a room: the next is launched once this one is revealed.
  await db.schema
    .createIndex('room_quizzes_one_open')
    .on('room_quizzes')
    .column('room_id')
    .unique()
    .where(sql.ref('revealed_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('room_quiz_answers')
    .addColumn('quiz_id', 'uuid', (col) => col.notNull().references('room_quizzes.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id'))
    .addColumn('taxon_id', 'text', (col) => col.notNull())
    .addColumn('correct', 'boolean', (col) => col.notNull())
    .addColumn('answered_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('room_quiz_answers_pk', ['quiz_id', 'user_id'])
    .execute();
  await db.schema.createIndex('room_quiz_answers_user').on('room_quiz_answers').column('user_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'room_quiz_answers',
    'room_quizzes',
    'practice_cards',
    'practice_questions',
    'practice_sessions',
    'course_assignments',
    'course_members',
    'courses',
    'specimen_teaching_marks',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
