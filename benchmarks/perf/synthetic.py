"""What the performance benchmarks vary when they build synthetic articles from the seed article:
names, numbers and dates, so that every article differs while it stays Indonesian news."""

import re
from pathlib import Path

SEED = Path(__file__).resolve().parents[2] / "corpus" / "raw" / "000_bb4a5094ef9681cd.txt"
SURNAMES = ["Widodo", "Subianto", "Hartono", "Santoso", "Wibowo", "Kusuma", "Siregar", "Nasution",
            "Harahap", "Simanjuntak", "Saragih", "Wijaya", "Gunawan", "Setiawan", "Pratama",
            "Hidayat", "Rahman", "Hakim", "Syahputra", "Lubis", "Tanjung", "Sembiring"]  # fmt: skip
FIRST_NAMES = ["Budi", "Agus", "Dewi", "Sri", "Rudi", "Joko", "Siti", "Andi", "Rina", "Hendra",
               "Yusuf", "Ahmad", "Wahyu", "Indah"]  # fmt: skip
SUBSTITUTED = {"Putin": SURNAMES, "Rahmon": SURNAMES, "Rakhmon": SURNAMES, "Zas": SURNAMES,
               "Ghani": SURNAMES, "Mohib": SURNAMES, "Atiq": SURNAMES, "Vladimir": FIRST_NAMES,
               "Emomali": FIRST_NAMES, "Stanislav": FIRST_NAMES, "Ashraf": FIRST_NAMES}  # fmt: skip
NAME = re.compile(r"\b(" + "|".join(SUBSTITUTED) + r")\b")
NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+|\d+")
MONTHS = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
WEEKDAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
