"""The ReactionLens dashboard: a Streamlit app (``streamlit run dashboard/app.py``) over analysis/."""
