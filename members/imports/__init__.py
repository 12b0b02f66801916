"""Imports of the ANPP's spreadsheets: territories, people and past adhésions (issue 29).

formats.py reads CSV and XLSX; widgets.py and resources.py say what each column means
(django-import-export); services.py holds every step; tasks.py runs them in a worker; admin.py is
where staff do it.
"""
