"""Password hashing: Argon2id with OWASP's minimum cost, cheap enough for many sign-ins at once.

Django's own Argon2 defaults (100 MiB, 8 lanes) cost a 2-core server a lot per sign-in; OWASP's
Password Storage Cheat Sheet gives m=19 MiB, t=2, p=1 as the minimum for Argon2id. The
algorithm name stays ``argon2``, so Django re-hashes a password stored with other parameters
(or with PBKDF2, listed after this hasher) the next time its owner signs in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    memory_cost = 19 * 1024  # KiB
    time_cost = 2
    parallelism = 1
