"""The class board: a teacher's live session that students join with a code and submit runs to.

`store` (where the data lives, the migrations, the lock around them), `schema` (the tables),
`board` (the calls pages make: create, join, submit, the teacher's actions, the board's reads),
`measure` (a submitted scenario's outcome, from the engine). No Streamlit here: pages and ui
show what these return. Importing this package imports none of them.
"""
