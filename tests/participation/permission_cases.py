def build_world(users):
    return {}


CASES: list = []
