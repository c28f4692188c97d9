"""Figures: run records and landscapes → chart data and Plotly specs. No Streamlit here."""
