"""The demo organization (郑州市政协 and its partners): a face that builds a year of realistic data through the
domains' services and selectors. Nothing imports it; `manage.py demo_data` runs the builders listed in builders.py."""
