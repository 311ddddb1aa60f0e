"""A seeded, realistic Bitbar world of about `scale` objects per collection."""

from __future__ import annotations

from ...core.generate import Draw

DEMO_USER = {"id": 1, "email": "demo@example.com", "password": "demo-password", "apiKey": "bitbar-demo-key",
             "firstName": "Mr", "lastName": "Testrunner"}
MAKERS = {"ANDROID": ("Samsung Galaxy", "Google Pixel", "Sony Xperia", "OnePlus", "Motorola Moto"),
          "IOS": ("Apple iPhone", "Apple iPad")}
OUTCOMES = ("SUCCEEDED",) * 6 + ("FAILED", "WARNING")


def generate(fake, scale: int, progress) -> dict:
    scale = max(scale, 1)
    draw = Draw(fake)
    users = [DEMO_USER]
    for i in range(scale - 1):
        first, last = draw("first_name"), draw("last_name")
        users.append({"id": i + 2, "email": f"{first}.{last}.{i + 2}@{draw('free_email_domain')}".lower(),
                      "password": draw("password"), "apiKey": draw.hex(32), "firstName": first, "lastName": last})
    devices = []
    for i in range(scale):
        os_type = "IOS" if i % 4 == 3 else "ANDROID"
        model = f"{draw.choice(MAKERS[os_type])} {draw.int(3, 15)}"
        devices.append({"id": 100 + i, "displayName": model, "osType": os_type,
                        "manufacturer": model.split()[0], "imagePrefix": model.replace(" ", "-"),
                        "softwareVersion": {"id": 10 + i % 7, "releaseVersion": str(draw.int(9, 17)),
                                            "apiLevel": draw.int(28, 34) if os_type == "ANDROID" else None},
                        "testDurationSeconds": draw.int(20, 120),
                        "simulatedOutcome": draw.choice(OUTCOMES)})
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
        groups.append({"id": 10 + i, "name": draw.uuid(), "displayName": draw("catch_phrase"),
                       "userId": users[i % len(users)]["id"], "osType": os_type,
                       "deviceIds": sorted(draw.random.sample(pool, min(len(pool), 3))) if pool else []})
    projects = [{"id": 1000 + i, "userId": users[i % len(users)]["id"], "name": draw("bs").title(),
                 "description": draw("sentence"), "type": draw.choice(("ANDROID", "IOS", "GENERIC"))}
                for i in range(scale)]
    frameworks = [{"id": 252, "name": "DEFAULT - Android Instrumentation", "osType": "ANDROID"},
                  {"id": 542, "name": "DEFAULT - Appium Android Server Side", "osType": "ANDROID"},
                  {"id": 612, "name": "DEFAULT - Appium iOS Server Side", "osType": "IOS"}]
    notifications = [{"id": 1 + i, "userId": users[i % len(users)]["id"], "email": draw("email"),
                      "type": draw.choice(("ALWAYS", "ON_FAILURE"))} for i in range(scale)]
    return {"users": users, "devices": devices, "deviceGroups": groups, "projects": projects,
            "frameworks": frameworks, "notifications": notifications}
