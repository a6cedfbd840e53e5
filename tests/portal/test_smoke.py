def test_home_page_lists_regions(client, regions):
    response = client.get("/")
    assert response.status_code == 200
    assert "Белгородская область" in response.get_data(as_text=True)


def test_coordinator_sees_pending_page(client, people):
    client.login_as(people["coordinator"])
    response = client.get("/belgorod/members/pending")
    assert response.status_code == 200
