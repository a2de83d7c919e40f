"""Help: the user guide for each role (docs/guide/), for anyone signed in."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from actions.roles import user_roles

from .guide import guide_named, guides_for, render_guide


@login_required
def help_index(request):
    roles = user_roles(request.user)
    guides = [(guide, guide.role in roles) for guide in guides_for(request.user)]
    return render(request, "panel/help/index.html", {"guides": guides})


@login_required
def help_guide(request, slug: str):
    guide = guide_named(slug)
    if guide is None:
        raise Http404
    return render(request, "panel/help/guide.html", {"guide": guide, "body": render_guide(guide)})
