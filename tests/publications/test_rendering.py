from publications.rendering import markdown_to_html


def test_markdown_is_rendered_and_scripts_are_removed():
    html = markdown_to_html(
        "**Gras** et [un lien](https://anpp.fr/)\n\n<script>alert(1)</script>\n\n"
        '<a href="javascript:alert(1)" onclick="x()">piège</a> <img src="x.png" onerror="alert(1)">'
    )
    assert "<strong>Gras</strong>" in html
    assert '<a href="https://anpp.fr/" rel="noopener">un lien</a>' in html
    assert "<script" not in html and "alert(1)" not in html.replace("alert(1)</", "")
    assert "javascript:" not in html and "onclick" not in html and "onerror" not in html


def test_headings_and_lists_are_kept():
    html = markdown_to_html("## Titre\n\n- un\n- deux\n")
    assert "<h2>Titre</h2>" in html and "<li>un</li>" in html
