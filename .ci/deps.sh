#!/usr/bin/env bash
# Installs what FieldOps needs on a Debian/Ubuntu machine, skipping what is already there.
# Used by `make run` and `make test`; safe to run again.
set -euo pipefail

need_apt=()
pkgs=(pkg-config build-essential libssl-dev libdbus-1-dev libwebkit2gtk-4.1-dev libgtk-3-dev
      librsvg2-dev libxdo-dev xvfb xauth webkit2gtk-driver chromium fonts-noto-cjk
      poppler-utils imagemagick python3-aiosmtpd libreoffice-calc-nogui nodejs npm postgresql postgresql-client
      gcc-aarch64-linux-gnu gcc-mingw-w64-x86-64 wine wine64)
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$p")
done
# nodejs/npm may come from elsewhere (nvm, NodeSource): a working `npm` is enough.
if command -v npm >/dev/null 2>&1; then
  need_apt=("${need_apt[@]/nodejs}"); need_apt=("${need_apt[@]/npm}")
fi
read -r -a need_apt <<< "${need_apt[*]}"
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
  # A PostgreSQL server installed just now is set up as the tests expect it (`make postgres`
  # starts it): trust for loopback connections and a database `test`. A server that was
  # already there is left as it is.
  if printf '%s\n' "${need_apt[@]}" | grep -qx postgresql; then
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    hba=/etc/postgresql/$version/main/pg_hba.conf
    $SUDO sed -i -e '1i host all all 127.0.0.1/32 trust' -e '1i host all all ::1/128 trust' "$hba"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main restart || \
      $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1 || \
      psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE test"
  fi
fi

command -v cargo >/dev/null || { echo "Rust (cargo) is required: install it with rustup" >&2; exit 1; }

# UI packages: reinstall when the lock file changed since the last install.
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  (cd ui && npm ci --no-audit --no-fund)
fi

# The desktop end-to-end test drives the real app through tauri-driver + WebKitWebDriver.
command -v tauri-driver >/dev/null 2>&1 || [ -x "$HOME/.cargo/bin/tauri-driver" ] || cargo install tauri-driver --locked
