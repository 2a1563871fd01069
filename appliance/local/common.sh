# Shared steps of the local run and test commands. Each ensure_* step is idempotent.
# Heavy downloads are cached outside the clone: Maven's repository (~/.m2) and /var/cache/codaipro.

set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache_dir=${CODAIPRO_CACHE_DIR:-/var/cache/codaipro}

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'codaipro: %s\n' "$*" >&2; exit 1; }

have_systemd() { [[ -d /run/systemd/system ]]; }

ensure_root() {
    [[ $(id -u) -eq 0 ]] || die "run this as root (it installs Debian packages): sudo $0"
}

# Installs the Debian packages that are missing; apt-get update only when something is.
ensure_packages() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$package")
    done
    if ((${#missing[@]})); then
        log "Installing Debian packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

ensure_java() {
    if ! command -v java >/dev/null || ! java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])'; then
        ensure_packages openjdk-17-jdk-headless
    fi
    command -v javac >/dev/null || ensure_packages openjdk-17-jdk-headless
}

ensure_base_tools() {
    ensure_packages ca-certificates curl unzip git procps iproute2
    ensure_java
    # npm fetches the IDE's Monaco and xterm.js (modules/ide-assets); Debian's nodejs 18 will do.
    command -v npm >/dev/null || ensure_packages nodejs npm
}

# The app server runs as this unprivileged user, never as root.
ensure_service_user() {
    if ! id codaipro >/dev/null 2>&1; then
        log "Creating system user codaipro"
        useradd --system --home-dir /var/lib/codaipro --shell /usr/sbin/nologin codaipro
    fi
}

mvnw() {
    (cd "$repo_root" && ./mvnw --batch-mode --no-transfer-progress "$@")
}

# Starts the local PostgreSQL 15 cluster and makes a test role that may create databases.
ensure_postgresql() {
    ensure_packages postgresql
    if ! pg_lsclusters -h 2>/dev/null | awk '{print $4}' | grep -q online; then
        log "Starting PostgreSQL"
        pg_ctlcluster 15 main start 2>/dev/null || service postgresql start
    fi
    local tries=0
    until runuser -u postgres -- pg_isready -q -h 127.0.0.1; do
        ((++tries < 30)) || die "PostgreSQL did not become ready"
        sleep 1
    done
}

ensure_postgresql_role() {
    local role=$1 password=$2
    runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -d postgres <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
        CREATE ROLE $role LOGIN CREATEDB PASSWORD '$password';
    ELSE
        ALTER ROLE $role LOGIN CREATEDB PASSWORD '$password';
    END IF;
END
\$\$;
SQL
}

# LXC for the sandboxes: the library, its headers (the ABI test compiles against them), the
# image builder, gcc (the build compiles sandboxd's idmapper helper), nftables (egress
# allowlists; python3 serves the egress test's stand-in mirror), and subordinate ids for root
# (the image's canonical range starts at 1000000, each sandbox's own range above it).
ensure_lxc() {
    ensure_packages lxc lxc-dev mmdebstrap gcc libc6-dev nftables iproute2 python3
    grep -q '^root:1000000:' /etc/subuid 2>/dev/null || echo 'root:1000000:1000000000' >> /etc/subuid
    grep -q '^root:1000000:' /etc/subgid 2>/dev/null || echo 'root:1000000:1000000000' >> /etc/subgid
}

# LXCFS, so each sandbox sees its own memory, CPUs and uptime in /proc (sandboxd's
# resource-views setting binds its files into sandboxes). --enable-cfs: the CPU count follows a
# sandbox's CPU quota, not only its cpuset. The same on cgroup v1 and v2 hosts. Without systemd
# (a build container) it runs in the background. Each read of a bound file costs LXCFS about
# 0.35 ms of CPU outside the reading sandbox's cgroup, so under systemd LXCFS gets one core at
# most: a sandbox reading /proc in a loop slows /proc reads, not the host (docs/development,
# "Resource views"). A missing LXCFS is a warning, not a failure:
# sandboxd then runs without the views (and the LXC tests that check them fail under
# appliance/local/test).
lxcfs_options="--enable-cfs"

lxcfs_running() {
    grep -q ' /var/lib/lxcfs .* - fuse\.lxcfs ' /proc/self/mountinfo \
        && [[ -r /var/lib/lxcfs/proc/meminfo ]]
}

ensure_lxcfs() {
    ensure_packages lxcfs
    if have_systemd; then
        local dropin=/etc/systemd/system/lxcfs.service.d/codaipro.conf
        local wanted
        wanted=$(printf '[Service]\nExecStart=\nExecStart=/usr/bin/lxcfs %s /var/lib/lxcfs\nCPUQuota=100%%' "$lxcfs_options")
        if [[ $(cat "$dropin" 2>/dev/null) != "$wanted" ]]; then
            log "Configuring LXCFS ($lxcfs_options)"
            install -d /etc/systemd/system/lxcfs.service.d
            printf '%s\n' "$wanted" > "$dropin"
            systemctl daemon-reload
            systemctl enable lxcfs
            systemctl restart lxcfs || true
        else
            systemctl enable --now lxcfs || true
        fi
    elif ! lxcfs_running; then
        log "Starting LXCFS (no systemd here: in the background, log in /var/log/lxcfs.log)"
        umount -l /var/lib/lxcfs 2>/dev/null || true # a crashed instance's mount
        install -d /var/lib/lxcfs
        # shellcheck disable=SC2086 # the options are words
        setsid /usr/bin/lxcfs $lxcfs_options /var/lib/lxcfs >/var/log/lxcfs.log 2>&1 </dev/null &
    fi
    for _ in $(seq 1 40); do
        lxcfs_running && return 0
        sleep 0.25
    done
    log "Warning: LXCFS is not running; sandboxes will see the host's /proc/meminfo, /proc/cpuinfo and /proc/uptime"
}

sandbox_image_dir=/var/lib/codaipro-sandboxes/images

# Builds the sandboxes' base image once per recipe (cached tarball in $cache_dir/images), with the
# optional languages CODAIPRO_IMAGE_LANGUAGES names (e.g. "pascal octave"; none when unset: give it
# on every run, or the image is built again without them).
# Needs modules/sandbox-lxc compiled (its ImageShifter); pass --built when the caller built it.
ensure_sandbox_image() {
    log "Ensuring the sandbox base image${CODAIPRO_IMAGE_LANGUAGES:+ (with ${CODAIPRO_IMAGE_LANGUAGES})}"
    [[ ${1:-} == --built ]] || mvnw -q -DskipTests -Dspotless.check.skip=true -pl modules/sandbox-lxc -am install
    install -d -m 0711 /var/lib/codaipro-sandboxes "$sandbox_image_dir"
    CODAIPRO_CACHE_DIR=$cache_dir CODAIPRO_IMAGE_LANGUAGES=${CODAIPRO_IMAGE_LANGUAGES:-} \
        bash "$repo_root/modules/sandbox-lxc/src/main/sh/build-base-image" \
        "$sandbox_image_dir" "$repo_root/modules/sandbox-lxc/target/classes"
}

keycloak_version=$(sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' "$repo_root/pom.xml")
keycloak_dist=$cache_dir/keycloak/$keycloak_version/keycloak-$keycloak_version

# Keycloak (keycloak-quarkus-dist from Maven Central), unpacked and built once per version into
# the cache with the options the appliance starts it with (dev-file store, health endpoints, a local
# cache); the marker file holds those options, so a change of them rebuilds it.
# A start with other build options (PostgreSQL) rebuilds the instance copy, not this one.
keycloak_build_options="--db=dev-file --health-enabled=true --cache=local"

ensure_keycloak() {
    [[ $(cat "$keycloak_dist/.codaipro-built" 2>/dev/null) == "$keycloak_build_options" ]] && return 0
    log "Fetching and building Keycloak $keycloak_version (once; cached in $cache_dir/keycloak)"
    local dir=$cache_dir/keycloak/$keycloak_version
    mkdir -p "$dir"
    mvnw -q -N dependency:copy \
        -Dartifact="org.keycloak:keycloak-quarkus-dist:$keycloak_version:zip" \
        -DoutputDirectory="$dir"
    rm -rf "$keycloak_dist"
    unzip -q "$dir/keycloak-quarkus-dist-$keycloak_version.zip" -d "$dir"
    rm -f "$dir/keycloak-quarkus-dist-$keycloak_version.zip"
    # shellcheck disable=SC2086 # the options are words
    "$keycloak_dist/bin/kc.sh" build $keycloak_build_options >"$dir/build.log" 2>&1 \
        || die "Keycloak build failed; see $dir/build.log"
    echo "$keycloak_build_options" > "$keycloak_dist/.codaipro-built"
}
