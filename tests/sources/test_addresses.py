from __future__ import annotations

import pytest

from depguard.sources.addresses import (
    classify_env,
    hosts_in,
    is_address_key,
    mask,
    references,
)


@pytest.mark.parametrize(
    ("value", "hosts"),
    [
        # URLs, with credentials, ports, paths, queries, several hosts
        ("postgres://app:secret@db:5432/app", ["db"]),
        ("postgresql://db/app?sslmode=disable", ["db"]),
        ("http://api:8080", ["api"]),
        ("https://auth.internal/realms/x", ["auth.internal"]),
        ("amqp://guest:guest@rabbitmq", ["rabbitmq"]),
        ("redis://:pw@cache:6379/0", ["cache"]),
        ("mongodb://mongo-1:27017,mongo-2:27017/shop?replicaSet=rs0", ["mongo-1", "mongo-2"]),
        ("http://a:1,http://b:2", ["a", "b"]),
        ("tcp://docker:2375", ["docker"]),
        ("HTTP://API:8080/", ["api"]),
        ("http://db.:80", ["db"]),
        ('{"backend": "http://api:8080/v1"}', ["api"]),
        # JDBC
        ("jdbc:postgresql://db:5432/app", ["db"]),
        ("jdbc:mysql://mysql-primary,mysql-replica/app", ["mysql-primary", "mysql-replica"]),
        ("jdbc:sqlserver://mssql:1433;databaseName=x;password=p", ["mssql"]),
        ("jdbc:oracle:thin:@oracle:1521:ORCL", ["oracle"]),
        ("jdbc:oracle:thin:scott/tiger@//ora-db:1521/svc", ["ora-db"]),
        ("-Xmx1g -Dspring.datasource.url=jdbc:mysql://mysql:3306/db", ["mysql"]),
        # connection strings
        ("Host=pg;Port=5432;Username=a;Password=b", ["pg"]),
        ("Host=pg-1:5432,pg-2;Database=x", ["pg-1", "pg-2"]),
        ("Server=mssql,1433;Database=x", ["mssql"]),
        ("Server=mssql;", ["mssql"]),
        ("Data Source=tcp:sql,1433;Initial Catalog=x", ["sql"]),
        ("Data Source=sqlhost\\SQLEXPRESS;Integrated Security=true", ["sqlhost"]),
        ("Data Source=oracle-db:1521/ORCL", ["oracle-db"]),
        ("Network Address=netdb;Database=x", ["netdb"]),
        ("host=pg port=5432 dbname=app password=x", ["pg"]),
        ("Endpoint=sb://bus.example.net/;SharedAccessKey=abc=", ["bus.example.net"]),
        # host:port words and lists
        ("db:5432", ["db"]),
        ("kafka-1:9092,kafka-2:9092", ["kafka-1", "kafka-2"]),
        ("kafka-1:9092 kafka-2:9092", ["kafka-1", "kafka-2"]),
        ("--bootstrap-server=kafka:9092", ["kafka"]),
        ("user:pass@memcached:11211", ["memcached"]),
        ("'db:5432'", ["db"]),
        # a host named twice is returned once
        ("http://api:80 http://api:81", ["api"]),
    ],
)
def test_hosts_in_reads_every_address_shape(value: str, hosts: list[str]) -> None:
    assert hosts_in(value) == hosts


@pytest.mark.parametrize(
    "value",
    [
        "",
        "production",
        "db",  # a bare word is not an address by itself (see references)
        "42",
        "true",
        "12:30",
        "2024-01-01T10:00:00Z",
        "/var/lib/postgresql/data",
        "./data:/data",
        "localhost",
        "localhost:8080",
        "http://localhost:3000",
        "http://app.localhost",
        "127.0.0.1:5432",
        "http://10.0.0.1:80/x",
        "[::1]:5432",
        "http://[fe80::1]:80/",
        "http://",
        "http://:8080",
        "http://@/",
        "://",
        "$",
        "a:b:c",
        ":::",
        "file:///var/run/app.sock",
        "unix:///var/run/docker.sock",
        "sqlite:///data.db",
        "ops@example.com",
        "password=x:1234",
        "8080:80",
        "Server=(localdb)\\MSSQLLocalDB",
        "Host=;Port=5432",
        "-Xmx512m -XX:+UseG1GC",
    ],
)
def test_hosts_in_finds_nothing_in_values_that_name_no_host(value: str) -> None:
    assert hosts_in(value) == []


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("postgres://app:secret@db:5432/app", "postgres://app:***@db:5432/app"),
        ("redis://:s3cr3t@cache:6379/0", "redis://:***@cache:6379/0"),
        ("amqp://guest:guest@rabbitmq", "amqp://guest:***@rabbitmq"),
        ("http://api:8080/path", "http://api:8080/path"),
        ("http://user@api:8080", "http://user@api:8080"),
        ("Host=db;Username=app;Password=hunter2;", "Host=db;Username=app;Password=***;"),
        ("Server=s;User Id=sa;Pwd=x y z", "Server=s;User Id=sa;Pwd=***"),
        ("host=db password=x dbname=app", "host=db password=***"),
        (
            "jdbc:postgresql://db/app?user=a&password=b&ssl=1",
            "jdbc:postgresql://db/app?user=a&password=***&ssl=1",
        ),
        ("jdbc:sqlserver://mssql;password=p", "jdbc:sqlserver://mssql;password=***"),
        ("jdbc:oracle:thin:scott/tiger@//ora:1521/s", "jdbc:oracle:thin:scott/***@//ora:1521/s"),
        (
            "Endpoint=sb://bus/;SharedAccessKeyName=Root;SharedAccessKey=abc=",
            "Endpoint=sb://bus/;SharedAccessKeyName=Root;SharedAccessKey=***",
        ),
        ("Authorization=Bearer abc,x-tenant=1", "Authorization=***,x-tenant=1"),
        ("https://api/cb?access_token=abc", "https://api/cb?access_token=***"),
        ("plain value", "plain value"),
        ("", ""),
    ],
)
def test_mask_hides_passwords_in_values(value: str, masked: str) -> None:
    assert mask(value) == masked


@pytest.mark.parametrize(
    ("key", "value", "masked"),
    [
        ("DB_PASSWORD", "hunter2", "***"),
        ("JWT_SECRET", "abc", "***"),
        ("AWS_SECRET_ACCESS_KEY", "abc", "***"),
        ("GITHUB_TOKEN", "ghp_x", "***"),
        ("DB_PASSWORD", "", ""),
        ("TOKEN_URL", "http://auth:8080/token", "http://auth:8080/token"),
        ("DATABASE_URL", "postgres://a:b@db/x", "postgres://a:***@db/x"),
    ],
)
def test_mask_hides_whole_values_of_secret_variables(key: str, value: str, masked: str) -> None:
    assert mask(value, key) == masked


NAMES = {"db": "db", "database": "db", "keycloak": "keycloak", "cache": "cache", "api": "api"}


@pytest.mark.parametrize(
    ("key", "value", "services"),
    [
        ("DATABASE_URL", "postgres://app:pw@db:5432/app", ["db"]),
        ("JDBC", "jdbc:postgresql://database:5432/app", ["db"]),  # an alias of db
        ("DB_HOST", "db", ["db"]),
        ("PGHOST", "DB", ["db"]),
        ("KC_DB_URL_HOST", "keycloak", ["keycloak"]),
        ("CACHE_SERVERS", "cache, db", ["cache", "db"]),
        # a bare name under a key that is not an address is a name, not a call
        ("POSTGRES_USER", "keycloak", []),
        ("POSTGRES_DB", "keycloak", []),
        ("OTEL_SERVICE_NAME", "api", []),
        ("KAFKA_TOPIC", "db", []),
        # hosts that are not services of the project
        ("API_URL", "http://example.com/api", []),
        ("API_URL", "http://localhost:8080", []),
        ("SECURITY_MODE", "db", []),  # "URI" inside SECURITY is not a word
    ],
)
def test_references_maps_hosts_to_services(key: str, value: str, services: list[str]) -> None:
    assert references(key, value, NAMES) == services


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", ("telemetry", "soft")),
        ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", ("telemetry", "soft")),
        ("MY_OTLP_URL", ("telemetry", "soft")),
        ("JAEGER_AGENT_HOST", ("telemetry", "soft")),
        ("ZIPKIN_BASE_URL", ("telemetry", "soft")),
        ("METRICS_COLLECTOR_URL", ("telemetry", "soft")),
        ("DD_AGENT_HOST", ("telemetry", "soft")),
        ("otel_exporter_otlp_endpoint", ("telemetry", "soft")),
        ("DATABASE_URL", ("runtime", "hard")),
        ("AUTH_URL", ("runtime", "hard")),
    ],
)
def test_classify_env_tells_telemetry_from_runtime(key: str, expected: tuple[str, str]) -> None:
    assert classify_env(key) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("DB_HOST", True),
        ("PGHOST", True),
        ("REDIS_URL", True),
        ("SPRING_DATASOURCE_URL", True),
        ("KAFKA_BOOTSTRAP_SERVERS", True),
        ("ZOOKEEPER_CONNECT", True),
        ("ConnectionStrings__Default", False),
        ("POSTGRES_USER", False),
        ("OTEL_SERVICE_NAME", False),
        ("SECURITY_PROTOCOL", False),
    ],
)
def test_is_address_key(key: str, expected: bool) -> None:
    assert is_address_key(key) is expected


@pytest.mark.parametrize(
    "key, value, expected",
    [
        ("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092", ("async", "soft")),
        ("EVENTS", "amqp://user:pw@rabbit:5672/", ("async", "soft")),
        ("PAYMENT_CALLBACK_URL", "http://shop:8080/paid", ("config", "soft")),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317", ("telemetry", "soft")),
        ("DATABASE_URL", "postgres://db:5432/app", ("runtime", "hard")),
    ],
)
def test_built_in_edge_classes(key: str, value: str, expected: tuple[str, str]) -> None:
    from depguard.sources import addresses

    assert addresses.classify_env(key, value) == expected
