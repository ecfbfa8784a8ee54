"""Serving: read-only access to the published warehouse, the guarded SQL path and analysts'
reviews; shared by the dashboard, the briefs and `housewatch sql`."""
