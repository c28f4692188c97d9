"""The classroom: what a teacher hands a class. No Streamlit here: pages and ui show what these return.

The class board, a teacher's live session that students join with a code and submit runs to:
`store` (where the data lives, the migrations, the lock around them), `schema` (the tables),
`board` (the calls pages make: create, join, submit, the teacher's actions, the board's reads),
`measure` (a submitted scenario's outcome, from the engine). Exercises, links that set up one
experiment, lock controls and ask a question the engine answers: `links` (signed tokens), `exercise`
(the exercise and its locks), `questions` (the kinds, their answers and grades), `lesson_questions`
(one per lesson); `paths` (the user data folder). Importing this package imports none of them.
"""
