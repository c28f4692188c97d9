"""Streamlit-side building blocks shared by the pages (widgets, the player component)."""
