"""A seeded, realistic Bitbar world of about `scale` objects per collection."""

from __future__ import annotations

DEMO_USER = {"id": 1, "email": "demo@example.com", "password": "demo-password", "apiKey": "bitbar-demo-key",
             "firstName": "Mr", "lastName": "Testrunner"}
MAKERS = {"ANDROID": ("Samsung Galaxy", "Google Pixel", "Sony Xperia", "OnePlus", "Motorola Moto"),
          "IOS": ("Apple iPhone", "Apple iPad")}


def generate(fake, scale: int, progress) -> dict:
    scale = max(scale, 1)
    users = [DEMO_USER] + [{"id": i + 2, "email": fake.unique.email(), "password": fake.password(),
                            "apiKey": fake.sha1()[:32], "firstName": fake.first_name(),
                            "lastName": fake.last_name()} for i in range(scale - 1)]
    devices = []
    for i in range(scale):
        os_type = "IOS" if i % 4 == 3 else "ANDROID"
        model = f"{fake.random_element(MAKERS[os_type])} {fake.random_int(3, 15)}"
        devices.append({"id": 100 + i, "displayName": model, "osType": os_type,
                        "manufacturer": model.split()[0], "imagePrefix": model.replace(" ", "-"),
                        "softwareVersion": {"id": 10 + i % 7, "releaseVersion": str(fake.random_int(9, 17)),
                                            "apiLevel": fake.random_int(28, 34) if os_type == "ANDROID" else None},
                        "testDurationSeconds": fake.random_int(20, 120),
                        "simulatedOutcome": fake.random_element(("SUCCEEDED",) * 6 + ("FAILED", "WARNING"))})
        progress("devices", i + 1, scale)
    android = [d["id"] for d in devices if d["osType"] == "ANDROID"]
    ios = [d["id"] for d in devices if d["osType"] == "IOS"]
    groups = [{"id": 1, "name": "free-android", "displayName": "Free Android devices", "userId": None,
               "osType": "ANDROID", "deviceIds": android[:5]},
              {"id": 2, "name": "free-ios", "displayName": "Free iOS devices", "userId": None,
               "osType": "IOS", "deviceIds": ios[:5]}]
    for i in range(scale):
        os_type = "IOS" if i % 3 == 2 else "ANDROID"
        pool = ios if os_type == "IOS" else android
        groups.append({"id": 10 + i, "name": fake.uuid4(), "displayName": fake.catch_phrase(),
                       "userId": users[i % len(users)]["id"], "osType": os_type,
                       "deviceIds": sorted(fake.random_sample(pool, min(len(pool), 3))) if pool else []})
    projects = [{"id": 1000 + i, "userId": users[i % len(users)]["id"], "name": fake.bs().title(),
                 "description": fake.sentence(), "type": fake.random_element(("ANDROID", "IOS", "GENERIC"))}
                for i in range(scale)]
    frameworks = [{"id": 252, "name": "DEFAULT - Android Instrumentation", "osType": "ANDROID"},
                  {"id": 542, "name": "DEFAULT - Appium Android Server Side", "osType": "ANDROID"},
                  {"id": 612, "name": "DEFAULT - Appium iOS Server Side", "osType": "IOS"}]
    notifications = [{"id": 1 + i, "userId": users[i % len(users)]["id"], "email": fake.email(),
                      "type": fake.random_element(("ALWAYS", "ON_FAILURE"))} for i in range(scale)]
    return {"users": users, "devices": devices, "deviceGroups": groups, "projects": projects,
            "frameworks": frameworks, "notifications": notifications}
