"""News, partners and the page about the ANPP: public pages, the same for every visitor."""

from django.shortcuts import render

from anpp_portal.pagecache import public_page

from . import selectors


@public_page("publications", params=("page",))
def news_list(request):
    return render(
        request,
        "publications/association/news_list.html",
        {"page": selectors.news_page(page=request.GET.get("page", 1))},
    )


@public_page("publications")
def news_detail(request, slug):
    return render(
        request,
        "publications/association/news_detail.html",
        {"news": selectors.news_for_reader(user=request.user, slug=slug)},
    )


@public_page("publications")
def partners(request):
    return render(request, "publications/association/partners.html", {"partners": selectors.partners()})


@public_page("publications")
def association(request):
    return render(
        request, "publications/association/association.html", {"page": selectors.association_page()}
    )
