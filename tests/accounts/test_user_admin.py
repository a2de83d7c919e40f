"""An administrator gives roles in the Django admin by ticking them (labelled checkboxes)."""

from django.contrib.auth.models import Group


def test_the_user_form_offers_roles_as_labelled_checkboxes_and_no_per_user_permissions(client, users):
    users["admin"].is_staff = True
    users["admin"].save()
    client.force_login(users["admin"])
    html = client.get(f"/admin/auth/user/{users['panel'].pk}/change/").content.decode()
    lead = Group.objects.get(name="Subgroup lead")
    assert f'<input type="checkbox" name="groups" value="{lead.pk}"' in html
    assert "SelectFilter" not in html and "user_permissions" not in html
    assert 'name="last_login_0"' not in html  # read-only: no unlabelled split date boxes


def test_ticking_a_role_gives_it(client, users):
    users["admin"].is_staff = True
    users["admin"].save()
    client.force_login(users["admin"])
    panel = users["panel"]
    lead = Group.objects.get(name="Subgroup lead")
    response = client.post(
        f"/admin/auth/user/{panel.pk}/change/",
        {"username": panel.username, "groups": [lead.pk], "is_active": "on", "_save": "Save"},
    )
    assert response.status_code == 302
    assert list(panel.groups.values_list("name", flat=True)) == ["Subgroup lead"]
