"""The association's public face beside the magazine: news (« Actualités »), partners and the page
about the ANPP. Models (models.py, imported by publications.models), services, reads, views, feeds,
admin, and the loading of their content from the seed (seed.py)."""
