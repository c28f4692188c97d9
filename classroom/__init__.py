"""The classroom: what a teacher hands a class. Pure Python over the engine (no Streamlit): pages and
ui show what these return. Importing this package imports none of its modules."""
