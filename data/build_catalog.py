"""Build `road_dataset.csv` and `trail_dataset.csv` from the hand-curated tables below.

Run from the project root: `python data/build_catalog.py`. The output is fully deterministic
(no randomness at all: every value is written by hand in the tables, and the few derived columns
follow fixed rules), so re-running it regenerates byte-identical CSVs.

Table syntax, one shoe per line, `|`-separated:

    road:  name|year|weight_g|heel|forefoot|softness|responsiveness|plate|stability|widths|uses|water|src
    trail: <road fields>|lug_depth_mm|rock_plate|terrain   (terrain = 4 digits: light mixed rocky muddy)

A line `@Brand` sets the brand for the lines that follow. `widths` is a subset of `NRW`
(narrow/regular/wide), `uses` a subset of `DTR` (daily/tempo/race), `src` is `P` (published)
or `E` (estimated). An optional trailing `;key=value,...` overrides derived columns
(breathability, warmth, removable_insole). drop_mm is always heel - forefoot.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from src.config import (  # noqa: E402
    ATTRIBUTE_COLUMNS,
    DESCRIPTIVE_COLUMNS,
    EXTRA_COLUMNS,
    METADATA_COLUMNS,
    ROAD_FEATURES,
    TRAIL_FEATURES,
)

ROAD = """
@Nike
Pegasus 37|2020|289|33|23|5|6|0|0|RW|D|0|E
Pegasus 38|2021|286|33|23|5|6|0|0|RW|D|0|E
Pegasus 39|2022|283|33|23|5|6|0|0|RW|D|0|E
Pegasus 40|2023|280|33|23|5|6|0|0|RW|D|0|P
Pegasus 41|2024|289|37|27|6|7|0|0|RW|D|0|P
Pegasus 41 GTX|2024|320|37|27|5|6|0|0|R|D|2|E
Pegasus 39 Shield|2022|300|33|23|5|6|0|0|R|D|1|E
Pegasus Plus|2024|255|37|27|7|8|0|0|R|DT|0|E
Pegasus Premium|2025|310|45|35|8|8|0|0|R|D|0|E
Vomero 16|2021|310|37|27|6|5|0|0|RW|D|0|E
Vomero 17|2023|305|39|29|7|6|0|0|RW|D|0|P
Vomero 18|2025|330|46|36|8|6|0|0|RW|D|0|P
Vomero Plus|2025|280|46|36|8|8|0|0|R|D|0|E
Invincible 2|2022|310|40|31|10|6|0|0|R|D|0|E
Invincible 3|2023|310|40|31|10|6|0|0|RW|D|0|P
Structure 24|2022|300|33|23|4|5|0|1|RW|D|0|E
Structure 25|2023|305|38|28|5|5|0|1|RW|D|0|P
Structure Plus|2025|295|38|28|6|7|0|1|R|D|0|E
React Infinity Run 4|2023|300|37|28|6|5|0|1|R|D|0|E
Zoom Fly 4|2021|270|37|29|5|6|2|0|R|T|0|E
Zoom Fly 5|2022|275|40|32|6|6|2|0|R|T|0|P
Zoom Fly 6|2024|250|42|34|7|8|2|0|R|T|0|P
Zoom Tempo Next%|2020|280|40|30|7|8|1|0|R|T|0|E
Vaporfly Next% 2|2021|196|40|32|8|9|2|0|NR|R|0|P
Vaporfly 3|2023|185|40|32|8|9|2|0|NR|R|0|P;breathability=5,warmth=1
Vaporfly 4|2025|175|39|33|8|9|2|0|NR|R|0|E
Alphafly Next% 2|2022|235|40|32|8|10|2|0|NR|R|0|P
Alphafly 3|2024|218|40|32|8|10|2|0|NR|R|0|P
Streakfly|2022|159|32|26|7|8|0|0|NR|R|0|E
Streakfly 2|2025|180|35|29|7|9|2|0|NR|R|0|E
Rival Fly 3|2021|230|28|20|3|6|0|0|R|T|0|E
Winflo 10|2023|290|32|22|4|4|0|0|RW|D|0|E
Winflo 11|2024|285|33|23|4|4|0|0|RW|D|0|E
Downshifter 13|2023|260|28|18|4|3|0|0|RW|D|0|E
Revolution 7|2024|250|28|18|4|3|0|0|RW|D|0|E
Interact Run|2024|270|30|20|4|4|0|0|R|D|0|E
Journey Run|2024|260|30|20|5|4|0|0|RW|D|0|E
React Miler 3|2022|305|33|23|5|4|0|1|RW|D|0|E
@ASICS
Gel-Nimbus 23|2021|305|32|22|5|4|0|0|NRW|D|0|E
Gel-Nimbus 24|2022|300|33|23|6|4|0|0|NRW|D|0|E
Gel-Nimbus 25|2023|295|41|33|8|5|0|0|NRW|D|0|P
Gel-Nimbus 26|2024|305|41.5|33.5|8|5|0|0|NRW|D|0|P
Gel-Nimbus 27|2025|300|43.5|35.5|8|6|0|0|NRW|D|0|P
Gel-Kayano 28|2021|310|33|23|4|4|0|1|NRW|D|0|E
Gel-Kayano 29|2022|305|34|24|5|4|0|1|NRW|D|0|E
Gel-Kayano 30|2023|305|40|30|6|4|0|1|NRW|D|0|P
Gel-Kayano 31|2024|303|40|30|6|5|0|1|NRW|D|0|P
Gel-Kayano 32|2025|300|42|34|7|5|0|1|NRW|D|0|E
Novablast 2|2021|265|33|23|7|7|0|0|R|DT|0|E
Novablast 3|2022|255|40.5|32.5|7|8|0|0|RW|DT|0|E
Novablast 4|2023|260|41.5|33.5|7|8|0|0|RW|DT|0|P
Novablast 5|2025|255|41.5|33.5|7|8|0|0|RW|DT|0|P
Superblast|2023|240|45.5|37.5|7|8|0|0|R|DT|0|P
Superblast 2|2024|239|45.5|37.5|7|9|0|0|R|DT|0|P
Metaspeed Sky+|2022|195|39|34|7|9|2|0|NR|R|0|E
Metaspeed Edge+|2022|200|39|31|7|9|2|0|NR|R|0|E
Metaspeed Sky Paris|2024|185|39|34|7|9|2|0|NR|R|0|P
Metaspeed Edge Paris|2024|190|39|31|7|9|2|0|NR|R|0|P
Metaspeed Sky Tokyo|2025|170|39|34|8|10|2|0|NR|R|0|E
Metaspeed Edge Tokyo|2025|180|39|31|8|10|2|0|NR|R|0|E
Metaspeed Ray|2025|130|38|33|7|9|2|0|NR|R|0|E;removable_insole=0
GT-2000 11|2022|290|33|25|4|4|0|1|RW|D|0|E
GT-2000 12|2023|285|35|27|5|5|0|1|NRW|D|0|E
GT-2000 13|2024|280|37|29|6|5|0|1|NRW|D|0|E
GT-2000 12 GTX|2023|310|35|27|5|4|0|1|RW|D|2|E
GT-1000 12|2023|270|32|24|4|4|0|1|RW|D|0|E
GT-1000 13|2024|265|34|26|5|4|0|1|RW|D|0|E
Gel-Cumulus 25|2023|280|37|29|6|5|0|0|RW|D|0|E
Gel-Cumulus 26|2024|280|38|30|7|5|0|0|RW|D|0|E
Gel-Cumulus 27|2025|275|39|31|7|6|0|0|RW|D|0|E
Gel-Cumulus 26 GTX|2024|305|38|30|6|5|0|0|R|D|2|E
Magic Speed 3|2023|215|39|31|5|8|2|0|R|T|0|E
Magic Speed 4|2024|220|40|32|6|8|2|0|R|T|0|P
Gel-Pulse 15|2023|285|30|22|4|3|0|0|RW|D|0|E
Gel-Excite 10|2023|275|29|20|4|3|0|0|RW|D|0|E
Gel-Contend 9|2024|270|28|18|4|3|0|0|RW|D|0|E
Dynablast 3|2023|245|31|23|5|6|0|0|R|DT|0|E
Hyper Speed 4|2024|205|32|27|4|6|0|0|R|T|0|E
S4+ Yogi|2024|250|40|33|6|8|1|0|R|T|0|E
Noosa Tri 15|2023|230|32|24|5|7|0|0|R|T|0|E
Noosa Tri 16|2024|225|35|27|6|7|0|0|R|T|0|E
EvoRide Speed 2|2024|225|37|32|5|7|1|0|R|T|0|E
Gel-Kinsei Max|2024|330|40|32|7|5|0|0|R|D|0|E
GlideRide Max|2023|280|44|38|6|6|0|0|R|D|0|E
@Hoka
Clifton 7|2020|250|29|24|6|5|0|0|RW|D|0|E
Clifton 8|2021|250|29|24|6|5|0|0|RW|D|0|P
Clifton 9|2023|248|32|27|7|5|0|0|RW|D|0|P
Clifton 10|2025|275|42|34|7|6|0|0|RW|D|0|P
Clifton 9 GTX|2023|285|32|27|6|5|0|0|R|D|2|E
Bondi 7|2021|305|33|29|8|3|0|0|RW|D|0|E
Bondi 8|2022|300|39|35|8|4|0|0|RW|D|0|P
Bondi 9|2025|305|43|38|8|5|0|0|RW|D|0|P
Mach 4|2021|240|29|24|6|7|0|0|R|DT|0|E
Mach 5|2022|232|33|28|6|7|0|0|R|DT|0|P
Mach 6|2024|230|37|32|6|7|0|0|RW|DT|0|P
Mach X|2023|255|39|34|6|8|1|0|R|T|0|P
Mach X 2|2024|265|42|37|7|8|1|0|R|T|0|E
Rocket X 2|2023|215|37|32|6|9|2|0|NR|R|0|P
Cielo X1|2023|255|47|40|8|9|2|0|R|R|0|P
Cielo X1 2.0|2025|235|45|38|8|9|2|0|R|R|0|E
Carbon X 3|2022|240|39|34|6|7|2|0|R|T|0|E
Skyward X|2024|320|48|43|9|8|2|0|R|DT|0|P
Arahi 6|2022|270|33|28|5|5|0|1|RW|D|0|E
Arahi 7|2024|275|37|32|6|5|0|1|RW|D|0|P
Gaviota 4|2022|305|35|30|7|4|0|1|RW|D|0|E
Gaviota 5|2023|300|40|34|7|4|0|1|RW|D|0|P
Kawana 2|2023|280|36|31|6|6|0|0|RW|D|0|E
Rincon 3|2021|215|33|28|6|6|0|0|RW|DT|0|P
Rincon 4|2025|225|38|33|7|6|0|0|RW|DT|0|E
Solimar|2023|225|28|24|5|5|0|0|R|D|0|E
Skyflow|2024|265|38|33|7|6|0|0|RW|D|0|E
Transport|2023|310|32|27|5|4|0|0|RW|D|1|E
@Brooks
Ghost 13|2020|283|33|21|5|4|0|0|NRW|D|0|E
Ghost 14|2021|283|35|23|6|4|0|0|NRW|D|0|E
Ghost 15|2022|275|35|23|6|4|0|0|NRW|D|0|P
Ghost 16|2024|275|35|23|6|5|0|0|NRW|D|0|P
Ghost 17|2025|278|37|25|7|5|0|0|NRW|D|0|E
Ghost 15 GTX|2022|305|35|23|5|4|0|0|RW|D|2|E
Ghost 16 GTX|2024|300|35|23|5|4|0|0|RW|D|2|E
Ghost Max|2023|290|39|33|7|4|0|0|RW|D|0|P
Ghost Max 2|2024|300|39|33|7|5|0|0|RW|D|0|E
Glycerin 20|2022|286|36|26|8|5|0|0|NRW|D|0|E
Glycerin 21|2023|289|38|28|8|5|0|0|NRW|D|0|P
Glycerin 22|2025|289|38|28|8|6|0|0|NRW|D|0|P
Glycerin GTS 20|2022|300|36|26|8|5|0|1|NRW|D|0|E
Glycerin GTS 21|2023|300|38|28|8|5|0|1|NRW|D|0|E
Glycerin GTS 22|2025|305|38|28|8|6|0|1|NRW|D|0|E
Glycerin GTX 20|2022|310|36|26|7|4|0|0|R|D|2|E
Glycerin Max|2024|305|45|39|9|7|0|0|R|D|0|P
Adrenaline GTS 21|2020|286|34|22|5|4|0|1|NRW|D|0|E
Adrenaline GTS 22|2021|286|35|23|5|4|0|1|NRW|D|0|E
Adrenaline GTS 23|2023|286|36|24|6|4|0|1|NRW|D|0|P
Adrenaline GTS 24|2024|289|37|25|6|5|0|1|NRW|D|0|P
Adrenaline GTS 22 GTX|2022|310|35|23|5|4|0|1|RW|D|2|E
Adrenaline GTS 23 GTX|2023|310|36|24|5|4|0|1|RW|D|2|E
Hyperion Max|2022|235|37|29|6|7|0|0|R|DT|0|E
Hyperion Max 2|2024|250|39|31|7|8|0|0|R|T|0|E
Hyperion Elite 3|2022|215|35|27|6|8|2|0|R|R|0|E
Hyperion Elite 4|2024|200|40|32|7|9|2|0|NR|R|0|P
Hyperion Tempo|2020|210|29|21|5|7|0|0|R|T|0|E
Hyperion|2023|200|29|21|4|7|0|0|R|T|0|E
Hyperion GTS 2|2024|215|30|22|4|7|0|1|R|T|0|E
Launch 8|2021|235|29|19|4|6|0|0|RW|DT|0|E
Launch 9|2022|235|30|20|4|6|0|0|RW|DT|0|E
Launch 10|2023|235|30|20|5|7|0|0|RW|DT|0|P
Launch GTS 10|2023|245|30|20|5|7|0|1|RW|DT|0|E
Levitate 6|2022|305|33|25|4|6|0|0|R|D|0|E
Beast GTS 23|2023|345|35|23|5|3|0|1|RW|D|0|E
Ariel GTS 23|2023|300|35|23|5|3|0|1|NRW|D|0|E
Addiction GTS 15|2021|320|32|20|4|3|0|1|NRW|D|0|E
Revel 7|2024|265|30|20|4|4|0|0|RW|D|0|E
Trace 3|2024|260|30|18|5|4|0|0|RW|D|0|E
@Saucony
Endorphin Speed 2|2021|230|35|27|6|8|1|0|R|T|0|E
Endorphin Speed 3|2022|230|36|28|6|8|1|0|R|T|0|P
Endorphin Speed 4|2024|233|36|28|6|8|1|0|RW|T|0|P
Endorphin Pro 2|2021|215|35|27|6|9|2|0|NR|R|0|E
Endorphin Pro 3|2022|207|39.5|31.5|7|9|2|0|NR|R|0|P
Endorphin Pro 4|2024|207|39.5|31.5|7|9|2|0|NR|R|0|P
Endorphin Elite|2023|200|39.5|31.5|8|10|2|0|NR|R|0|P
Endorphin Elite 2|2025|190|40|32|8|10|2|0|NR|R|0|E
Endorphin Shift 3|2022|290|38|34|5|5|0|0|R|D|0|E
Ride 15|2022|260|35|27|5|5|0|0|NRW|D|0|E
Ride 16|2023|255|35|27|6|5|0|0|NRW|D|0|P
Ride 17|2024|260|39|31|7|6|0|0|NRW|D|0|E
Ride 18|2025|265|39|31|7|6|0|0|RW|D|0|E
Triumph 19|2021|300|37|27|6|5|0|0|RW|D|0|E
Triumph 20|2022|300|37|27|7|5|0|0|RW|D|0|E
Triumph 21|2023|286|37|27|7|6|0|0|RW|D|0|P
Triumph 22|2024|286|38|28|8|6|0|0|RW|D|0|P
Guide 15|2022|272|35|27|5|4|0|1|NRW|D|0|E
Guide 16|2023|270|35|29|5|5|0|1|RW|D|0|P
Guide 17|2024|270|35|29|6|5|0|1|RW|D|0|P
Guide 18|2025|275|37|31|6|5|0|1|RW|D|0|E
Hurricane 24|2024|320|40|32|6|4|0|1|RW|D|0|E
Omni 21|2023|300|34|26|5|4|0|1|RW|D|0|E
Tempus|2022|275|32|24|5|6|0|1|R|DT|0|P
Kinvara 13|2022|205|28|24|4|6|0|0|R|T|0|E
Kinvara 14|2023|205|31|27|4|6|0|0|RW|T|0|P
Kinvara 15|2024|205|33|27|5|6|0|0|R|T|0|E
Axon 3|2023|260|32|24|4|5|0|0|R|D|0|E
Echelon 9|2023|300|35|27|4|4|0|0|RW|D|0|E
@New Balance
1080v11|2021|292|32|24|8|4|0|0|NRW|D|0|E
1080v12|2022|293|32|26|8|4|0|0|NRW|D|0|E
1080v13|2023|280|38|32|8|5|0|0|NRW|D|0|P
1080v14|2024|280|38|32|8|5|0|0|NRW|D|0|P
880v12|2022|295|32|22|5|4|0|0|NRW|D|0|E
880v13|2023|295|34|24|5|4|0|0|NRW|D|0|P
880v14|2024|290|37|27|6|5|0|0|NRW|D|0|P
880v15|2025|285|38|28|6|5|0|0|NRW|D|0|E
880v13 GTX|2023|320|34|24|5|4|0|0|RW|D|2|E
880v14 GTX|2024|315|37|27|5|4|0|0|RW|D|2|E
860v13|2023|305|33|23|4|4|0|1|NRW|D|0|E
860v14|2024|300|35|27|5|4|0|1|NRW|D|0|E
FuelCell Rebel v3|2022|215|31|25|6|8|0|0|R|T|0|P
FuelCell Rebel v4|2024|210|35|29|7|8|0|0|RW|T|0|P
FuelCell SC Elite v3|2022|225|40|36|7|9|2|0|R|R|0|E
FuelCell SC Elite v4|2024|215|40|36|7|9|2|0|NR|R|0|P
FuelCell SC Elite v5|2025|205|40|36|7|9|2|0|NR|R|0|E
FuelCell SC Trainer v2|2023|275|47|41|8|8|2|0|R|DT|0|P
FuelCell Propel v4|2023|260|36|30|6|6|1|0|RW|DT|0|E
FuelCell Propel v5|2024|255|36|30|6|6|1|0|RW|DT|0|E
FuelCell SuperComp Pacer v2|2024|185|30|26|6|9|2|0|NR|R|0|E
Fresh Foam X More v4|2023|315|38|34|9|3|0|0|RW|D|0|P
Fresh Foam X More v5|2024|310|41|37|9|4|0|0|RW|D|0|E
Fresh Foam X Balos|2024|285|42|36|8|4|0|0|R|D|0|E
Fresh Foam X Vongo v6|2024|300|38|32|7|4|0|1|RW|D|0|E
Fresh Foam Arishi v4|2022|255|30|22|4|3|0|0|RW|D|0|E
@Adidas
Adizero Adios Pro 2|2021|225|39|30|7|8|2|0|NR|R|0|E
Adizero Adios Pro 3|2022|215|39.5|33|7|9|2|0|NR|R|0|P
Adizero Adios Pro 4|2024|210|39|33|7|9|2|0|NR|R|0|P
Adizero Adios Pro Evo 1|2023|138|39|30|7|9|2|0|NR|R|0|P;removable_insole=0
Adizero Adios 8|2023|205|30|20|4|7|0|0|NR|T|0|E
Adizero Boston 11|2022|275|39|31|5|7|1|0|R|T|0|E
Adizero Boston 12|2023|265|40|33|6|8|1|0|R|T|0|P
Adizero Boston 13|2025|260|40|34|6|8|1|0|R|T|0|E
Adizero Evo SL|2024|224|39|33|7|9|0|0|R|DT|0|P
Adizero SL|2022|255|33|24|5|6|0|0|RW|DT|0|E
Adizero SL2|2024|245|35|26|6|7|0|0|RW|DT|0|E
Adizero Takumi Sen 9|2022|190|33|27|4|8|1|0|NR|R|0|E
Adizero Takumi Sen 10|2024|192|33|27|5|8|1|0|NR|R|0|E
Adizero Prime X 2 Strung|2024|280|50|44|8|9|2|0|R|R|0|E
Supernova Rise|2024|275|36|26|7|5|0|0|RW|D|0|P
Supernova Rise 2|2025|270|37|27|7|6|0|0|RW|D|0|E
Supernova Stride|2024|300|34|24|5|4|0|0|RW|D|0|E
Supernova Prima|2024|315|36|26|6|4|0|0|R|D|0|E
Supernova Solution|2024|310|34|24|5|4|0|1|RW|D|0|E
Adistar 2|2022|345|38|32|6|3|0|0|R|D|0|E
Adistar 3|2024|320|38|32|6|4|0|0|RW|D|0|E
Ultraboost Light|2023|300|32|22|6|6|0|0|R|D|0|P
Ultraboost 5|2024|310|32|22|6|6|0|0|R|D|0|E
@Puma
Deviate Nitro 2|2022|265|36|28|6|8|2|0|R|T|0|E
Deviate Nitro 3|2024|275|40|30|7|8|2|0|RW|T|0|E
Deviate Nitro Elite 2|2022|215|38|30|7|9|2|0|NR|R|0|E
Deviate Nitro Elite 3|2024|210|39|31|7|9|2|0|NR|R|0|E
Fast-R Nitro Elite 2|2023|200|40|32|6|9|2|0|NR|R|0|E
Velocity Nitro 2|2022|250|33|23|6|6|0|0|RW|D|0|E
Velocity Nitro 3|2023|255|36|26|7|7|0|0|RW|D|0|P
Velocity Nitro 3 GTX|2024|285|36|26|6|6|0|0|R|D|2|E
Magnify Nitro 2|2023|275|40|32|8|6|0|0|R|D|0|E
ForeverRun Nitro|2023|305|41|31|6|5|0|1|RW|D|0|E
Liberate Nitro 2|2022|210|28|18|5|7|0|0|R|T|0|E
Electrify Nitro 3|2023|275|30|20|5|5|0|0|R|D|0|E
MagMax Nitro|2024|300|46|40|9|6|0|0|R|D|0|E
@On
Cloudmonster|2022|275|35|29|5|7|1|0|R|D|0|E
Cloudmonster 2|2024|295|39|33|6|7|1|0|R|D|0|P
Cloudmonster Hyper|2024|260|41|34|7|8|1|0|R|DT|0|E
Cloudsurfer|2023|245|32|22|7|5|0|0|R|D|0|E
Cloudsurfer Next|2024|255|31|23|6|5|0|0|RW|D|0|E
Cloudboom Echo 3|2022|205|39|30|6|9|2|0|NR|R|0|P
Cloudboom Strike|2024|200|41|34|7|9|2|0|NR|R|0|E
Cloudflyer 4|2022|300|35|25|4|4|0|1|RW|D|0|E
Cloudflow 4|2023|240|33|25|5|7|1|0|R|T|0|E
Cloudeclipse|2024|295|41|35|8|5|1|0|R|D|0|E
Cloudrunner 2|2024|280|32|23|5|4|0|1|RW|D|0|E
Cloudrunner 2 Waterproof|2024|310|32|23|4|4|0|1|R|D|2|E
Cloudstratus 3|2023|280|36|28|6|5|1|0|R|D|0|E
Cloudgo|2023|275|32|22|5|4|0|0|RW|D|0|E
Cloud X 4|2024|240|25|19|4|5|0|0|R|D|0|E
Cloud 5 Waterproof|2022|270|26|18|4|4|0|0|R|D|2|E
@Altra
Torin 6|2022|270|28|28|6|5|0|0|RW|D|0|E
Torin 7|2023|275|30|30|7|5|0|0|RW|D|0|P
Torin 8|2025|280|32|32|7|6|0|0|RW|D|0|E
Escalante 3|2022|260|24|24|5|6|0|0|RW|DT|0|E
Escalante 4|2024|260|24|24|5|6|0|0|RW|DT|0|P
Paradigm 7|2023|300|30|30|6|4|0|1|RW|D|0|P
Paradigm 8|2025|300|32|32|6|4|0|1|RW|D|0|E
Provision 8|2024|270|28|28|5|4|0|1|RW|D|0|E
Rivera 4|2024|260|28|28|5|5|0|0|RW|D|0|E
Via Olympus 2|2023|310|33|33|7|4|0|0|RW|D|0|E
Vanish Carbon 2|2024|230|33|33|6|8|2|0|RW|R|0|E
Experience Flow|2023|255|27|23|5|5|0|0|RW|D|0|E
Experience Form|2023|265|27|23|5|4|0|1|RW|D|0|E
@Mizuno
Wave Rider 25|2021|290|35|23|5|5|0|0|RW|D|0|E
Wave Rider 26|2022|285|35|23|5|5|0|0|RW|D|0|E
Wave Rider 27|2023|285|38|26|6|5|0|0|RW|D|0|P
Wave Rider 28|2024|280|38|26|6|6|0|0|RW|D|0|P
Wave Rider 27 GTX|2023|310|38|26|5|5|0|0|R|D|2|E
Wave Inspire 18|2022|300|35|23|5|4|0|1|RW|D|0|E
Wave Inspire 19|2023|295|35|23|5|4|0|1|RW|D|0|E
Wave Inspire 20|2024|295|38|26|6|4|0|1|RW|D|0|P
Wave Inspire 21|2025|290|39|27|6|5|0|1|RW|D|0|E
Neo Vista|2023|250|41|33|8|8|1|0|R|DT|0|P
Neo Zen|2024|245|41|33|8|6|0|0|R|D|0|E
Wave Rebellion Pro|2022|225|40|33|5|8|2|0|R|R|0|E
Wave Rebellion Pro 2|2023|225|41|33|6|9|2|0|NR|R|0|P
Wave Rebellion Pro 3|2025|215|41|33|6|9|2|0|NR|R|0|E
Wave Rebellion Flash 2|2024|235|38|30|5|7|1|0|R|T|0|E
Hyperwarp Pro|2024|170|36|31|6|9|2|0|NR|R|0|E
Wave Sky 7|2023|305|40|32|7|4|0|0|RW|D|0|E
Wave Sky 8|2024|310|40|32|7|5|0|0|RW|D|0|E
Wave Horizon 7|2023|330|38|30|5|3|0|1|RW|D|0|E
Wave Skyrise 5|2024|290|36|28|6|5|0|0|R|D|0|E
Wave Ultima 15|2024|270|35|23|5|4|0|0|RW|D|0|E
@Topo Athletic
Phantom 3|2022|285|31|26|6|5|0|0|RW|D|0|E
Ultrafly 4|2022|270|30|25|5|5|0|1|RW|D|0|E
Ultrafly 5|2024|270|33|28|6|5|0|1|RW|D|0|E
Atmos|2023|290|34|29|7|5|0|0|RW|D|0|E
Specter 2|2024|280|35|30|6|7|1|0|RW|DT|0|E
Cyclone 2|2022|215|28|23|5|7|0|0|RW|T|0|E
ST-5|2023|200|14|14|3|4|0|0|RW|D|0|E
Magnifly 5|2023|270|30|30|6|5|0|0|RW|D|0|E
Fli-Lyte 5|2023|240|23|20|4|5|0|0|RW|D|0|E
@Diadora
Gara Carbon|2023|220|39|31|6|8|2|0|R|R|0|E
Atomo V7000|2023|285|38|30|7|5|0|0|R|D|0|E
Equipe Atomo|2022|310|35|27|6|5|0|0|R|D|0|E
Cellula|2024|275|36|28|7|6|0|0|R|D|0|E
@Karhu
Ikoni 3.0|2022|275|33|25|5|5|0|0|R|D|0|E
Fusion 3.5|2022|270|33|25|4|5|0|0|R|DT|0|E
Synchron 2.0|2022|290|33|25|4|4|0|1|RW|D|0|E
@Under Armour
Velociti Elite 2|2023|200|39|31|7|9|2|0|NR|R|0|E
Infinite Elite|2024|265|38|30|7|6|0|0|R|D|0|E
Infinite Pro|2024|285|36|28|6|5|0|0|R|D|0|E
Infinite 6|2024|285|32|24|5|4|0|0|RW|D|0|E
Machina 3|2022|285|35|27|5|6|0|0|R|DT|0|E
@Skechers
GOrun Razor 4|2022|190|31|25|6|8|0|0|R|T|0|E
Max Road 6|2023|250|34|28|7|7|0|0|R|DT|0|E
GOrun Ride 11|2023|245|32|26|6|5|0|0|RW|D|0|E
Speed Beast|2023|170|33|27|6|9|2|0|NR|R|0|E
Speed Freek|2023|190|36|30|7|9|2|0|NR|R|0|E
Aero Burst|2024|215|36|30|6|8|1|0|R|T|0|E
@Salomon
Aero Glide 2|2024|260|37|29|7|6|0|0|R|D|0|E
Aero Blaze 2|2024|240|33|25|6|7|0|0|R|T|0|E
S/Lab Phantasm 2|2023|210|35|27|6|9|2|0|NR|R|0|E
Aero Volt|2024|245|33|25|5|7|1|0|R|T|0|E
@Kiprun
KD900X LD|2023|230|39.5|31.5|7|9|2|0|NR|R|0|E
KD900|2022|270|35|27|6|6|0|0|RW|D|0|E
@New Balance
1080v15|2025|275|38|32|8|6|0|0|NRW|D|0|E
@Brooks
Adrenaline GTS 25|2025|290|38|26|6|5|0|1|NRW|D|0|E
@Hoka
Arahi 8|2025|280|38|33|6|6|0|1|RW|D|0|E
@Saucony
Triumph 23|2025|290|40|30|8|6|0|0|RW|D|0|E
"""

TRAIL = """
@Salomon
Speedcross 5|2020|330|30|20|4|4|0|0|NRW|D|0|E|5|0|1335
Speedcross 5 GTX|2020|350|30|20|4|4|0|0|NR|D|2|E|5|0|1335
Speedcross 6|2023|298|32|22|4|4|0|0|NRW|D|0|P|5|0|1335
Speedcross 6 GTX|2023|320|32|22|4|4|0|0|NR|D|2|E|5|0|1335
Sense Ride 4|2021|300|30|22|5|5|0|0|RW|D|0|E|3.5|1|3431
Sense Ride 5|2022|290|31|23|5|5|0|0|RW|D|0|P|3.5|1|3431
Sense Ride 5 GTX|2022|310|31|23|5|4|0|0|R|D|2|E|3.5|1|3431
S/Lab Genesis|2023|260|37|29|6|7|0|0|NR|TR|0|P|4.5|0|3542
Genesis|2024|290|37|29|6|6|0|0|RW|D|0|E|4.5|0|3442
Ultra Glide 2|2023|285|36|30|8|5|0|0|RW|D|0|P|4|0|4421
XA Pro 3D V9|2022|350|31|21|4|3|0|1|RW|D|0|E|4|1|2441
XA Pro 3D V9 GTX|2022|370|31|21|4|3|0|1|RW|D|2|E|4|1|2441
S/Lab Ultra 3|2020|285|26|18|4|5|0|0|NR|DR|0|E|3.5|1|3441
Pulsar Trail|2023|235|30|24|5|7|0|0|NR|TR|0|E|3.5|0|4431
Pulsar Trail Pro|2023|245|30|24|5|8|1|0|NR|TR|0|E|3.5|1|3441
S/Lab Pulsar 3|2024|190|28|22|5|8|0|0|NR|R|0|E|3.5|0|3332;removable_insole=0
Thundercross|2023|290|30|22|5|5|0|0|RW|D|0|P|5|0|2345
Thundercross GTX|2023|315|30|22|5|4|0|0|R|D|2|E|5|0|2345
Supercross 4|2022|300|31|21|4|4|0|0|RW|D|0|E|5|0|2334
Supercross 4 GTX|2022|320|31|21|4|4|0|0|R|D|2|E|5|0|2334
Alphacross 5 GTX|2023|320|31|23|4|4|0|0|RW|D|2|E|4.5|0|2344
Ultra Flow|2024|290|35|27|7|5|0|0|RW|D|0|E|4|0|4431
DRX Defy GRVL|2024|270|32|24|6|6|0|0|R|DT|0|E|2.5|0|5211
@La Sportiva
Bushido II|2019|310|24|18|3|5|0|0|NR|D|0|E|4.5|1|2353
Bushido II GTX|2021|330|24|18|3|4|0|0|NR|D|2|E|4.5|1|2353
Bushido III|2023|295|24|18|3|5|0|0|NR|D|0|P|4.5|1|2353
Prodigio|2023|245|31|25|7|6|0|0|NR|DT|0|E|3.5|0|4441
Prodigio Pro|2024|240|35|29|6|8|1|0|NR|R|0|E|3.5|1|3442
Jackal II|2022|300|28|22|5|5|0|0|RW|D|0|P|5|1|3443
Jackal II Boa|2023|300|28|22|5|5|0|0|RW|D|0|E|5|1|3443
Jackal II GTX|2022|325|28|22|5|4|0|0|R|D|2|E|5|1|3443
Akasha II|2021|310|30|24|5|4|0|0|RW|D|0|P|5|1|2452
Kaptiva|2019|290|25|19|4|5|0|0|NR|D|0|E|4|0|2443
Cyklon|2021|310|29|25|4|5|0|0|NR|D|0|E|5|0|2444
Cyklon Cross GTX|2022|360|29|25|4|4|0|0|NR|D|2|E|5|0|2345;warmth=5,breathability=1
Mutant|2020|295|27|21|4|5|0|0|NR|D|0|E|6|0|1345
Lycan II|2021|285|26|20|4|5|0|0|RW|D|0|E|4|0|4341
Karacal|2020|300|32|26|5|4|0|0|RW|D|0|E|4|0|4431
Tempesta GTX|2023|330|28|22|4|4|0|0|R|D|2|E|4.5|1|3342
Blizzard GTX|2019|370|27|21|4|4|0|0|R|D|2|E|5|0|2335;warmth=5,breathability=1
@Merrell
MTL Long Sky 2|2022|265|25|19|4|6|0|0|R|DT|0|P|5|1|2454
MTL Skyfire 2|2022|250|24|18|4|6|0|0|R|TR|0|E|5|0|2443
Agility Peak 4|2022|300|29|23|5|5|0|0|RW|D|0|E|5|1|2443
Agility Peak 5|2023|295|31|25|6|5|0|0|RW|D|0|E|5|1|2443
Agility Peak 5 GTX|2023|320|31|25|6|4|0|0|RW|D|2|E|5|1|2443
Moab Flight|2022|280|27|21|5|4|0|0|RW|D|0|E|4|0|3431
Morphlite|2023|260|28|22|5|5|0|0|RW|D|0|E|4|0|4331
Nova 3|2022|320|33|25|6|4|0|0|RW|D|0|E|4|0|4331
Antora 3|2022|265|31|25|5|4|0|0|RW|D|0|E|4|0|4331
@Inov-8
Trailfly|2023|300|30|24|6|5|0|0|RW|D|0|E|4|0|3441
Trailfly Speed|2023|280|29|23|5|6|0|0|R|TR|0|E|4|0|3442
Trailfly Ultra G 300 Max|2021|300|31|25|6|5|0|0|RW|D|0|P|4|0|4431
Mudtalon|2022|300|22|16|3|4|0|0|RW|D|0|P|6|0|1245
Mudtalon Speed|2023|250|21|17|3|5|0|0|NR|TR|0|E|6|0|1245
X-Talon Ultra 260 V2|2021|260|22|16|3|5|0|0|NR|TR|0|P|6|1|1345
X-Talon G 235|2020|235|19|13|2|4|0|0|NR|TR|0|P|8|1|1245
Mudclaw G 260 V2|2021|260|22|16|3|4|0|0|NR|TR|0|E|8|0|1145
Roclite G 275 V2|2022|275|26|20|4|5|0|0|RW|D|0|E|4|0|3441
Roclite G 345 GTX V2|2022|345|26|20|4|4|0|0|RW|D|2|E|4|0|2443
Parkclaw G 280|2021|280|25|17|4|4|0|0|RW|D|0|E|4|0|4331
TrailRoc G 280|2021|280|24|20|4|5|0|0|RW|D|0|E|4|1|2451
@Scarpa
Spin Ultra|2020|300|26|20|5|5|0|0|RW|D|0|E|5|0|2453
Spin Infinity|2021|310|32|28|6|5|0|0|RW|D|0|E|4|0|3442
Spin Infinity GTX|2022|330|32|28|6|4|0|0|R|D|2|E|4|0|3442
Spin 2.0|2022|250|24|20|4|6|0|0|NR|TR|0|E|5|0|2354
Ribelle Run|2021|270|30|23|5|5|0|0|NR|DT|0|P|4|0|2452
Ribelle Run Kalibra|2023|280|32|25|6|6|0|0|NR|DT|0|E|4|0|2452
Golden Gate ATR|2022|290|32|26|6|4|0|0|RW|D|0|E|4|0|4431
@Hoka
Speedgoat 4|2020|300|32|28|6|5|0|0|RW|D|0|E|5|0|2452
Speedgoat 5|2022|290|33|29|7|5|0|0|RW|D|0|P|5|0|2452
Speedgoat 6|2024|275|38|33|7|6|0|0|RW|D|0|E|5|0|2452
Speedgoat 5 GTX|2022|320|33|29|6|5|0|0|R|D|2|E|5|0|2452
Speedgoat 6 GTX|2024|310|38|33|6|5|0|0|R|D|2|E|5|0|2452
Challenger 7|2023|275|31|26|6|5|0|0|RW|D|0|P|4|0|5421
Challenger ATR 7 GTX|2023|300|31|26|6|5|0|0|R|D|2|E|4|0|5421
Mafate Speed 4|2022|305|33|29|6|6|0|0|R|D|0|P|5|0|3452
Mafate X|2024|300|42|37|8|8|2|0|R|DT|0|E|4|1|3442
Tecton X 2|2023|245|35|30|6|8|2|0|NR|R|0|E|4|1|3452
Tecton X 3|2025|240|40|35|7|9|2|0|NR|R|0|E|4|1|3452
Zinal 2|2023|240|32|27|5|7|0|0|NR|TR|0|E|4|0|3431
Torrent 3|2022|265|27|22|5|5|0|0|RW|DT|0|E|4.5|0|3432
Stinson 7|2023|330|36|31|8|4|0|0|RW|D|0|E|4|0|4421
@Brooks
Cascadia 16|2021|310|34|26|5|4|0|0|RW|D|0|E|3.5|1|3442
Cascadia 17|2023|310|33|25|5|4|0|0|RW|D|0|E|4|1|3442
Cascadia 18|2024|300|34|28|6|4|0|0|RW|D|0|E|4|1|3442
Cascadia 17 GTX|2023|330|33|25|5|4|0|0|RW|D|2|E|4|1|3442
Cascadia 18 GTX|2024|320|34|28|6|4|0|0|RW|D|2|E|4|1|3442
Catamount 2|2023|260|32|26|6|7|1|0|R|TR|0|E|3.5|1|4431
Catamount 3|2024|250|33|27|6|7|1|0|R|TR|0|E|3.5|1|4431
Catamount Agil|2024|220|28|22|5|8|0|0|NR|R|0|E|3.5|0|3442
Caldera 6|2022|305|37|31|7|4|0|0|RW|D|0|E|4|0|3441
Caldera 7|2024|300|38|32|7|5|0|0|RW|D|0|E|4|0|3441
Divide 4|2023|275|31|23|5|4|0|0|RW|D|0|E|3.5|0|5421
Divide 4 GTX|2023|300|31|23|5|4|0|0|RW|D|2|E|3.5|0|5421
Divide 5|2024|275|32|24|5|4|0|0|RW|D|0|E|3.5|0|5421
@Saucony
Peregrine 12|2022|280|28|24|4|5|0|0|RW|D|0|E|5|1|3443
Peregrine 13|2023|275|29|25|5|5|0|0|RW|D|0|P|5|1|3443
Peregrine 14|2024|280|29|25|5|6|0|0|RW|D|0|P|5|1|3443
Peregrine 13 GTX|2023|300|29|25|5|4|0|0|RW|D|2|E|5|1|3443
Peregrine 14 GTX|2024|300|29|25|5|5|0|0|RW|D|2|E|5|1|3443
Xodus Ultra 2|2023|300|36|30|7|6|0|0|RW|D|0|E|4.5|1|3442
Xodus Ultra 3|2024|290|36|30|7|6|0|0|RW|D|0|E|4.5|1|3442
Endorphin Edge|2022|260|36|30|6|8|2|0|R|TR|0|P|4|1|3442
Endorphin Rift|2024|270|39|33|8|6|0|0|R|D|0|E|4|0|3441
Excursion TR16|2022|300|28|20|4|3|0|0|RW|D|0|E|4|0|4331
Excursion TR16 GTX|2022|320|28|20|4|3|0|0|RW|D|2|E|4|0|4331
@Nike
Pegasus Trail 4|2022|285|31|21|5|5|0|0|RW|D|0|E|3|0|5321
Pegasus Trail 4 GTX|2022|315|31|21|5|4|0|0|R|D|2|E|3|0|5321
Pegasus Trail 5|2024|290|36|27|6|5|0|0|RW|D|0|E|3.5|0|5321
Pegasus Trail 5 GTX|2024|320|36|27|6|4|0|0|R|D|2|E|3.5|0|5321
Ultrafly|2023|280|38|30|7|8|2|0|R|R|0|E|4|1|3442
Wildhorse 8|2022|310|31|23|4|4|0|0|RW|D|0|E|4|1|3442
Zegama|2023|285|37|33|7|5|0|0|R|D|0|E|4|0|3442
Zegama 2|2024|290|39|35|7|6|0|0|R|D|0|E|4|0|3442
Kiger 9|2023|255|28|24|4|6|0|0|R|TR|0|E|4|1|3442
Juniper Trail 2|2023|285|28|19|4|3|0|0|RW|D|0|E|4|0|4331
Juniper Trail 2 GTX|2023|310|28|19|4|3|0|0|R|D|2|E|4|0|4331
@Altra
Lone Peak 6|2021|310|25|25|4|4|0|0|RW|D|0|E|3.5|0|3441
Lone Peak 7|2022|300|25|25|4|4|0|0|RW|D|0|P|3.5|0|3441
Lone Peak 8|2024|300|25|25|4|4|0|0|RW|D|0|P|3.5|0|3441
Lone Peak All-Wthr Low 2|2022|320|25|25|4|4|0|0|RW|D|2|E|3.5|0|3442
Olympus 5|2022|330|33|33|7|4|0|0|RW|D|0|E|4|0|3441
Olympus 6|2024|325|33|33|7|4|0|0|RW|D|0|P|4|0|3441
Mont Blanc|2022|250|30|30|5|7|0|0|RW|TR|0|E|4|0|3442
Mont Blanc Carbon|2023|260|30|30|6|8|2|0|RW|R|0|E|4|1|3442
Timp 5|2023|290|29|29|6|5|0|0|RW|D|0|E|4|0|3441
Outroad 2|2023|260|28|28|5|5|0|0|RW|D|0|E|2.5|0|5321
Superior 6|2023|250|21|21|3|5|0|0|RW|D|0|E|3.5|1|3441
Experience Wild|2023|280|28|24|5|4|0|0|RW|D|0|E|4|0|3441
@Topo Athletic
MTN Racer 3|2023|290|33|28|6|6|0|0|RW|DT|0|E|5|0|3452
Ultraventure 3|2022|300|35|30|6|4|0|0|RW|D|0|E|5|0|3441
Terraventure 4|2023|300|30|27|5|4|0|0|RW|D|0|E|5|1|2452
Pursuit 2|2023|280|28|28|5|4|0|0|RW|D|0|E|4.5|1|3442
Traverse|2023|300|30|25|5|4|0|0|RW|D|0|E|5|1|2443
Runventure 4|2022|250|22|20|3|5|0|0|RW|D|0|E|4.5|1|3443
@Dynafit
Ultra 100|2021|300|30|22|6|4|0|0|R|D|0|E|4|0|3441
Ultra 100 GTX|2021|320|30|22|6|4|0|0|R|D|2|E|4|0|3441
Ultra DNA|2023|285|31|25|6|6|0|0|R|DT|0|E|4|0|3442
Alpine DNA|2022|250|27|21|5|7|0|0|NR|R|0|E|4.5|0|2452
Feline SL|2019|310|26|20|4|4|0|0|R|D|0|E|4.5|0|2344
Traverse|2022|310|28|20|4|4|0|0|RW|D|0|E|4.5|0|3442
@NNormal
Kjerag|2022|230|25|19|4|6|0|0|R|TR|0|P|4|0|3452
Tomir|2023|295|26|20|4|5|0|0|RW|D|0|E|4|1|2454
Tomir 2.0|2024|290|27|21|5|5|0|0|RW|D|0|E|4|1|2454
Tomir Waterproof|2023|320|26|20|4|4|0|0|RW|D|2|E|4|1|2454
Sorata|2024|265|32|26|6|5|0|0|R|D|0|E|3.5|0|4431
@ASICS
Trabuco Max 3|2024|290|39|34|7|5|0|0|RW|D|0|E|4|0|3441
Gel-Trabuco 12|2024|300|34|26|5|4|0|0|RW|D|0|E|4|1|3442
Gel-Trabuco 12 GTX|2024|325|34|26|5|4|0|0|RW|D|2|E|4|1|3442
Gel-Venture 9|2022|310|30|20|4|3|0|0|RW|D|0|E|4|0|4321
Gel-Venture 9 Waterproof|2022|330|30|20|4|3|0|0|RW|D|2|E|4|0|4321
Fuji Speed 2|2023|235|32|28|5|7|1|0|R|TR|0|E|4|1|3442
Fuji Speed 3|2024|230|33|28|6|8|1|0|R|TR|0|E|4|1|3442
Fujilite 4|2023|245|27|23|4|6|0|0|R|TR|0|E|4|0|4331
GT-2000 12 TR|2023|300|35|27|5|4|0|1|RW|D|0|E|3.5|0|5321
Gel-Sonoma 7 GTX|2023|320|28|18|4|3|0|0|RW|D|2|E|4|0|4331
Metafuji Trail|2024|235|40|35|7|9|2|0|NR|R|0|E|4|1|3442
@New Balance
Fresh Foam X Hierro v7|2022|305|32|24|7|4|0|0|NRW|D|0|E|4|0|3441
Fresh Foam X Hierro v7 GTX|2022|330|32|24|7|4|0|0|RW|D|2|E|4|0|3441
Fresh Foam X Hierro v8|2024|300|32|24|7|4|0|0|NRW|D|0|E|4|0|3441
Fresh Foam X More Trail v3|2023|315|38|32|8|4|0|0|RW|D|0|E|4|0|4431
FuelCell Summit Unknown v4|2023|275|30|24|6|6|0|0|RW|D|0|E|4|1|3442
FuelCell SuperComp Trail|2023|270|40|34|7|8|2|0|R|R|0|E|4|1|3442
Fresh Foam 410v8|2023|290|28|20|4|3|0|0|RW|D|0|E|4|0|4321
Fresh Foam Garoé|2023|280|30|24|5|4|0|0|NRW|D|0|E|4|0|4331
DynaSoft Nitrel v5|2022|280|28|22|4|4|0|0|RW|D|0|E|4|0|4331
DynaSoft Nitrel v5 GTX|2022|305|28|22|4|4|0|0|RW|D|2|E|4|0|4331
@Adidas
Terrex Agravic Speed|2023|240|32|26|5|7|0|0|NR|TR|0|E|4|0|3442
Terrex Agravic Speed Ultra|2023|255|36|30|6|8|0|0|R|TR|0|E|3.5|0|3441
Terrex Agravic Pro|2023|270|36|30|6|8|2|0|NR|R|0|E|4|1|3452
Terrex Agravic Flow 2|2022|300|30|24|5|4|0|0|RW|D|0|E|4|0|3441
Terrex Agravic Flow 2 GTX|2022|320|30|24|5|4|0|0|R|D|2|E|4|0|3441
Terrex Agravic Ultra|2023|300|33|27|6|5|0|0|RW|D|0|E|4|0|3441
Terrex Soulstride|2022|300|28|20|4|3|0|0|RW|D|0|E|3.5|0|4321
Terrex Trailrider|2022|300|28|20|4|3|0|0|RW|D|0|E|3.5|0|4321
@Puma
Voyage Nitro 3|2023|300|30|22|6|5|0|0|RW|D|0|E|4|0|3441
Fast-Trac Nitro 2|2023|270|30|24|6|6|0|0|R|DT|0|E|4|0|3442
Deviate Nitro Elite Trail|2023|280|38|30|7|8|2|0|R|R|0|E|3.5|1|4431
@On
Cloudultra 2|2023|300|33|25|6|5|0|0|R|D|0|E|3.5|0|3441
Cloudvista 2|2024|270|35|29|6|6|0|0|R|D|0|E|4|0|4431
Cloudventure|2022|290|29|23|5|5|0|0|R|D|0|E|4|1|3442
Cloudventure Waterproof|2022|315|29|23|5|4|0|0|R|D|2|E|4|1|3442
Cloudventure Peak 3|2023|245|24|20|4|7|1|0|NR|TR|0|E|4|1|3451
Cloudsurfer Trail|2024|280|31|24|6|5|0|0|RW|D|0|E|3.5|0|4421
Cloudsurfer Trail Waterproof|2024|305|31|24|6|4|0|0|R|D|2|E|3.5|0|4421
@Mizuno
Wave Daichi 8|2024|310|30|22|5|4|0|0|RW|D|0|E|4.5|1|2443
Wave Mujin 10|2023|330|33|25|6|4|0|0|RW|D|0|E|4.5|1|3442
Wave Ibuki 4 GTX|2022|340|28|17|4|3|0|0|RW|D|2|E|4|0|3331
Wave Rider TT 2|2023|295|34|24|5|5|0|0|RW|D|0|E|3.5|0|4331
@Icebug
Pytho 6 BUGrip|2023|300|26|20|4|4|0|0|RW|D|1|E|4|0|3334;warmth=4
Pytho 6 BUGrip GTX|2023|330|26|20|4|3|0|0|RW|D|2|E|4|0|3334;warmth=5,breathability=1
NewRun BUGrip GTX|2022|330|32|24|5|4|0|0|RW|D|2|E|3.5|0|4423;warmth=5,breathability=1
@Craft
Pure Trail|2022|235|25|19|4|6|0|0|NR|TR|0|E|5|0|2344
CTM Ultra Carbon Trail|2022|275|38|32|7|7|2|0|R|R|0|E|4|1|3442
Nordlite Ultra|2022|290|36|30|7|5|0|0|RW|D|0|E|4|0|4431
Endurance Trail|2022|285|30|24|6|5|0|0|R|D|0|E|4|0|3441
@Arc'teryx
Norvan LD 3|2022|290|28|22|5|5|0|0|R|D|0|E|4|1|3452
Norvan LD 3 GTX|2022|310|28|22|5|4|0|0|R|D|2|E|4|1|3452
Norvan SL 3|2022|185|22|16|3|6|0|0|NR|TR|0|E|3.5|0|3342
Sylan|2022|260|33|27|7|6|0|0|R|D|0|E|4|0|3441
@VJ
Ultra 2|2023|280|28|22|5|5|0|0|NR|D|0|E|4.5|0|3342
Irock 3|2021|275|20|14|3|5|0|0|NR|TR|0|E|5|0|2354
Xtrm 2|2023|250|18|12|3|5|0|0|NR|TR|0|E|6|0|1245
@La Sportiva
Bushido III GTX|2023|310|28|22|3|5|0|0|NR|D|2|E|4.5|1|2452
@Dynafit
Feline SL GTX|2020|330|28|22|4|4|0|0|NR|D|2|E|4.5|0|2444
@ASICS
GT-2000 13 TR|2024|295|37|29|6|5|0|1|RW|D|0|E|3.5|0|4331
@Puma
Fast-Trac Nitro 3|2024|265|32|26|6|7|0|0|R|DT|0|E|4|0|3442
@Saucony
Peregrine 15|2025|280|29|25|5|6|0|0|RW|D|0|E|5|1|3443
@Brooks
Cascadia 19|2025|300|35|29|5|5|0|0|RW|D|0|E|4|1|3442
"""

WIDTH_FLAGS = {"N": "width_narrow", "R": "width_regular", "W": "width_wide"}
USE_FLAGS = {"D": "use_daily", "T": "use_tempo", "R": "use_race"}


def _num(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


def _derive(row: dict[str, Any], trail: bool) -> None:
    """Fill breathability, warmth and removable_insole from fixed rules (overridable per row)."""
    water = row["water_resistance"]
    racer = row["use_race"] == 1 and row["use_daily"] == 0
    if water == 2:
        breath, warmth = 2, 4
    elif water == 1:
        breath, warmth = 3, 3
    elif racer:
        breath, warmth = 5, 1
    elif trail and row["lug_depth_mm"] >= 5:
        breath, warmth = 3, 2
    else:
        breath, warmth = 4, 2
    row["breathability"] = breath
    row["warmth"] = warmth
    row["removable_insole"] = 1


# --- descriptive columns: family, current, role (derived, never model features) ---------------
# A name token that only numbers a version (41, 2.0, III, v14, V2, Next%, the Paris/Tokyo editions)
# or names a membrane variant; stripping them leaves the model family ("Pegasus 41 GTX" -> Pegasus).
# Three-digit numbers stay: in Inov-8 names (G 235, G 300) they are part of the model.
VERSION_TOKEN = re.compile(r"^(\d{1,2}(\.\d)?|II|III|IV|VI|VII|VIII|[vV]\d+|Next%|Paris|Tokyo)$")
MEMBRANE_TOKENS = frozenset({"GTX", "Waterproof", "Shield"})
# Where the name alone misleads: a lacing variant or a renamed edition of the same model.
FAMILY_OVERRIDES: dict[tuple[str, str], str] = {
    ("Adidas", "Adizero SL2"): "Adizero SL",
    ("La Sportiva", "Jackal II Boa"): "Jackal",
    ("Hoka", "Challenger ATR 7 GTX"): "Challenger",
}


def family_of(brand: str, name: str) -> str:
    """Brand + model family: the name without version numbers and membrane suffixes."""
    override = FAMILY_OVERRIDES.get((brand, name))
    if override is not None:
        return f"{brand} {override}"
    kept = []
    for token in name.split():
        token = re.sub(r"^(\d+)v\d+$", r"\1", token).rstrip("+")  # 1080v14 -> 1080, Sky+ -> Sky
        if VERSION_TOKEN.match(token) or token in MEMBRANE_TOKENS:
            continue
        kept.append(token)
    return f"{brand} {' '.join(kept) or name}"


def version_number(name: str) -> float:
    """The version a name carries (last number, vN or roman numeral); 0 when none."""
    romans = {"II": 2, "III": 3, "IV": 4, "VI": 6, "VII": 7, "VIII": 8}
    found = 0.0
    for token in name.split():
        match = re.fullmatch(r"(?:\d+v|[vV])?(\d{1,2}(?:\.\d)?)", token.rstrip("+"))
        if match:
            found = float(match.group(1))
        elif token in romans:
            found = float(romans[token])
    return found


def role_of(row: dict[str, Any]) -> str:
    """race = a racer (plated super shoe, racing flat, trail racer); tempo = uptempo trainer; else daily."""
    if row["use_race"] == 1 and row["use_daily"] == 0:
        return "race"
    if row["use_tempo"] == 1 and row["use_daily"] == 0:
        return "tempo"
    return "daily"


# A weatherproof edition by its name: its own lineage (content_based.WEATHERPROOF_EDITION says the
# same). Not by water_resistance: RunRepeat rates some plain uppers "water repellent" (Catamount 2),
# and those are versions of their model like any other.
WEATHERPROOF_NAME = re.compile(r"\b(GTX|Gore-Tex|Waterproof|WP|All-Wthr|Shield)\b")


def mark_current(rows: list[dict[str, Any]]) -> None:
    """current = 1 for the newest version of each lineage (family + with/without a weatherproof
    edition's name) in this catalog, 0 for the versions it replaced."""
    newest: dict[tuple[str, bool], tuple[int, float]] = {}
    for row in rows:
        lineage = (row["family"], bool(WEATHERPROOF_NAME.search(row["name"])))
        key = (row["release_year"], version_number(row["name"]))
        newest[lineage] = max(newest.get(lineage, key), key)
    for row in rows:
        lineage = (row["family"], bool(WEATHERPROOF_NAME.search(row["name"])))
        row["current"] = int((row["release_year"], version_number(row["name"])) == newest[lineage])


def parse_table(text: str, trail: bool) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    brand = ""
    seen: set[tuple[str, str]] = set()
    for raw in text.strip().splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("@"):
            brand = line[1:]
            continue
        overrides: dict[str, int] = {}
        if ";" in line:
            line, extra = line.split(";", 1)
            for item in extra.split(","):
                key, value = item.split("=")
                overrides[key.strip()] = int(value)
        parts = line.split("|")
        expected = 16 if trail else 13
        if len(parts) != expected:
            raise ValueError(f"{brand} {parts[0]}: expected {expected} fields, got {len(parts)}")
        name, year, weight, heel, fore, soft, resp, plate, stab, widths, uses, water, src = parts[:13]
        shoe_key = (brand, name)
        if shoe_key in seen:
            raise ValueError(f"duplicate shoe {brand} {name}")
        seen.add(shoe_key)
        heel_v, fore_v = _num(heel), _num(fore)
        row: dict[str, Any] = {
            "name": name,
            "brand": brand,
            "release_year": int(year),
            "spec_source": {"P": "published", "E": "estimated"}[src],
            "weight_g": _num(weight),
            "heel_stack_mm": heel_v,
            "forefoot_stack_mm": fore_v,
            "drop_mm": _num(f"{heel_v - fore_v:.1f}"),
            "midsole_softness": int(soft),
            "responsiveness": int(resp),
            "plate": int(plate),
            "stability": int(stab),
            "water_resistance": int(water),
        }
        for letter, column in WIDTH_FLAGS.items():
            row[column] = int(letter in widths)
        for letter, column in USE_FLAGS.items():
            row[column] = int(letter in uses)
        if trail:
            lug, rock, terrain = parts[13:]
            row["lug_depth_mm"] = _num(lug)
            row["rock_plate"] = int(rock)
            for digit, column in zip(
                terrain, ("terrain_light", "terrain_mixed", "terrain_rocky", "terrain_muddy"), strict=True
            ):
                row[column] = int(digit)
        _derive(row, trail)
        row.update(overrides)
        row["family"] = family_of(brand, name)
        row["role"] = role_of(row)
        rows.append(row)
    mark_current(rows)
    return rows


# --- the original system's data (data/original/, MIT licence, copyright SONIX RUSH) -------------
# The RunRepeat spec sheets the original system was prepared from, and its processed feature tables.
# Every sheet row and every processed row becomes a catalog shoe: matched to a hand-table row above
# when it is the same model (the id stays), else appended as a new shoe. See data/README.md.
ORIGINAL_DIR = Path(__file__).resolve().parent / "original"
ROAD_SHEET = "SONIX utilities - Road.csv"
TRAIL_SHEET = "SONIX utilities - Trail.csv"
ROAD_PROCESSED = "road_dataset.csv"
TRAIL_PROCESSED = "trail_dataset.csv"

OZ_TO_G = 28.349523125

# Sheet and processed-table brand spellings -> the catalog's.
BRANDS: dict[str, str] = {
    "asics": "ASICS", "adidas": "Adidas", "nike": "Nike", "jordan": "Jordan", "brooks": "Brooks",
    "saucony": "Saucony", "new balance": "New Balance", "hoka": "Hoka", "mizuno": "Mizuno", "on": "On",
    "altra": "Altra", "puma": "Puma", "under armour": "Under Armour", "reebok": "Reebok",
    "skechers": "Skechers", "salomon": "Salomon", "allbirds": "Allbirds", "nobull": "NOBULL",
    "xero": "Xero", "xero shoes": "Xero", "diadora": "Diadora", "topo": "Topo Athletic",
    "topo athletic": "Topo Athletic", "inov8": "Inov-8", "inov-8": "Inov-8", "merrell": "Merrell",
    "apl": "APL", "la sportiva": "La Sportiva", "kailas": "Kailas", "keen": "KEEN", "icebug": "Icebug",
    "nnormal": "NNormal", "scarpa": "Scarpa", "the north face": "The North Face",
}  # fmt: skip

# Sheet names that spell a hand-table model differently: (brand, sheet key) -> hand-table key.
ALIASES: dict[tuple[str, str], str] = {
    ("Nike", "airzoompegasus38"): "pegasus38",
    ("Nike", "airzoompegasus39"): "pegasus39",
    ("Nike", "zoomxvaporflynext%2"): "vaporflynext%2",
    ("Nike", "alphafly2"): "alphaflynext%2",
    ("Nike", "infinityrn4"): "reactinfinityrun4",
    ("Nike", "zoomxstreakfly"): "streakfly",
    ("New Balance", "supercompelitev3"): "scelitev3",
    ("New Balance", "supercompelitev4"): "scelitev4",
    ("New Balance", "supercompelitev5"): "scelitev5",
    ("New Balance", "supercomptrainerv2"): "sctrainerv2",
    ("Skechers", "gorunmaxroad6"): "maxroad6",
    ("Nike", "zoomxinvinciblerunflyknit2"): "invincible2",
    ("Nike", "terrakiger9"): "kiger9",
    ("Hoka", "challenger7gtx"): "challengeratr7gtx",
    ("Mizuno", "wwavehorizon7"): "wavehorizon7",
}
# The processed road table's row 12 is named "adidas wave horizon 7" but holds the Adizero Adios 7's
# figures (road sheet row 24: 7.5 oz, 8.7 mm drop, 31.6 / 22.9 mm).
PROCESSED_NAME_FIXES: dict[tuple[str, str], tuple[str, str]] = {
    ("adidas", "wave horizon 7"): ("Adidas", "Adizero Adios 7")
}
# Source errors: a cell of the original data that the maker's own classification contradicts, with
# the public page that says so. The corrected cell is `published` (data/README.md lists them).
CORRECTIONS: dict[tuple[str, str], dict[str, Any]] = {
    # road sheet rows 878-886 and road_dataset.csv say "Stability"; Hoka sells the Rincon as a neutral
    # trainer (no stability elements: Doctors of Running, "HOKA Rincon 4 Review", 2024: "a neutral
    # shoe"), and no other Rincon in the data is rated Stability
    ("Hoka", "Rincon 4"): {"stability": 0},
    # road sheet rows 177-179 say "Neutral"; RunRepeat's own review calls it "this mild stability shoe"
    # (runrepeat.com/on-cloudrunner-2) and On sells the Cloudrunner line as its support shoe
    ("On", "Cloudrunner 2"): {"stability": 1},
    # the sheet says "Neutral"; Nike built and sells the Infinity Run as its injury-reduction support
    # shoe, tested against its Structure (guide rails, heel clip, wide base: Runner's World, "Nike
    # React Infinity Run Is Stability Made Exciting"; Athletics Weekly on the Flyknit 2: "Like the
    # Structure, this is a support shoe"; RoadTrailRun on the InfinityRN 4: "inherent stability
    # features"); the hand table had it guided
    ("Nike", "React Infinity Run Flyknit 3"): {"stability": 1},
    ("Nike", "React Infinity Run 4"): {"stability": 1},
}
MEMBRANE_WORDS = re.compile(r"\s+(GTX|Waterproof|All-Wthr|Shield)\b")

# Lab and brand figures disagree (a lab measures one pair of men's US 9 with the insole in, at fixed
# points; a brand states its design figures). The rule: weight = lab (men's US 9), else brand;
# heel and forefoot stack = the brand's pair, else the lab's pair (never one of each); drop = the
# same source's stated drop when it matches its stacks within 1 mm, else heel - forefoot (derived).
PROVENANCE_CODES = ("lab", "brand", "runrepeat", "original", "published", "derived", "estimated")

_LEVEL3 = {"flexible": 1, "moderate": 2, "stiff": 3}
_TOEBOX = {"narrow": 1, "medium": 2, "wide": 3}
_DURABILITY = {"bad": 1, "decent": 2, "good": 3}
_SOFTNESS = {"firm": 3, "balanced": 5, "soft": 7}
_BREATH = {"warm": 2, "moderate": 4, "breathable": 5}
_ENERGY = {"low": 4, "moderate": 6, "high": 8}


def _clean(text: str) -> str:
    return " ".join(text.replace("\u2010", "-").split())


def canonical_brand(raw: str) -> str:
    key = _clean(raw).lower()
    return BRANDS.get(key, _clean(raw))


def model_key(brand: str, name: str) -> str:
    """A spelling-insensitive key: lower case, brand prefix and marketing prefixes dropped,
    "2.0" = "2", only letters, digits, "+" and "%" kept."""
    text = _clean(name).lower()
    for prefix in {brand.lower(), brand.lower().replace("-", ""), "hoka one one"}:
        if text.startswith(prefix + " "):
            text = text[len(prefix) + 1 :]
    if brand == "Xero" and text.startswith("shoes "):
        text = text[len("shoes ") :]
    text = re.sub(r"(\d+)\.0\b", r"\1", text)
    text = re.sub(r"[^a-z0-9+%]", "", text)
    for junk in ("freshfoamx", "freshfoam", "fuelcell"):
        text = text.replace(junk, "")
    if brand == "New Balance" and text.startswith("foam"):  # the sheet's "Foam Arishi v4"
        text = text[len("foam") :]
    return text


def _sheet_name(brand: str, name: str) -> str:
    text = _clean(name)
    for prefix in (brand, "HOKA", "Shoes"):
        if text.lower().startswith(prefix.lower() + " "):
            text = text[len(prefix) + 1 :]
    return text


def _pair(cell: str, unit: str) -> tuple[float | None, float | None, float | None]:
    """(lab, brand, unlabelled) from a "lab brand" cell such as "9.4 mm 10.0 mm" or "7.9 oz / 225g
    8.1 oz / 230g"; a single figure is unlabelled (the sheet does not say which it is)."""
    pattern = r"(-?\d+(?:\.\d+)?)\s*g\b" if unit == "g" else r"(-?\d+(?:\.\d+)?)\s*mm"
    found = [float(v) for v in re.findall(pattern, cell)]
    if len(found) >= 2:
        return found[0], found[1], None
    if len(found) == 1:
        return None, None, found[0]
    return None, None, None


def _level(cell: str, table: dict[str, int]) -> int | None:
    return table.get(_clean(cell).lower())


def _audience(cell: str) -> float | None:
    match = re.match(r"\s*(\d{2,3})\b", cell)
    return float(match.group(1)) if match else None


def _popularity(cell: str) -> float | None:
    """RunRepeat's "#72 Top 20%" / "#352 Bottom 45%" -> percentile, 100 = the most popular."""
    match = re.search(r"(Top|Bottom)\s+(\d+)%", cell)
    if not match:
        return None
    share = float(match.group(2))
    return 100.0 - share if match.group(1) == "Top" else share


def _price(cell: str) -> float | None:
    match = re.fullmatch(r"\s*\$(\d+(?:\.\d+)?)\s*", cell)
    return float(match.group(1)) if match else None  # other currencies (Rp) are left unknown


def read_sheet(path: Path, trail: bool) -> list[dict[str, Any]]:
    """The sheet's rows, one per model (repeated rows keep their first occurrence), in file order."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    with path.open(newline="", encoding="utf-8") as handle:
        for line, raw in enumerate(csv.DictReader(handle), start=2):
            if trail:
                full = _clean(raw["Brand-Name"])
                brand = ""
                for spelling in sorted(BRANDS, key=len, reverse=True):
                    if full.lower().startswith(spelling + " "):
                        brand, name = BRANDS[spelling], full[len(spelling) + 1 :]
                        break
                else:
                    raise ValueError(f"{path.name} line {line}: unknown brand in {full!r}")
            else:
                brand = canonical_brand(raw["Brand"])
                name = _sheet_name(brand, raw["Name"])
            key = (brand, model_key(brand, name))
            if key in seen:
                continue
            seen.add(key)
            out.append({"brand": brand, "name": name, "key": key[1], "line": line, "raw": raw})
    return out


def read_processed(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    out: dict[tuple[str, str], dict[str, str]] = {}
    for line, row in enumerate(rows, start=2):
        brand, name = PROCESSED_NAME_FIXES.get((row["brand"], row["name"]), (row["brand"], row["name"]))
        brand = canonical_brand(brand)
        row = {**row, "line": str(line)}
        key = model_key(brand, name)
        out.setdefault((brand, ALIASES.get((brand, key), key)), row)
    return out


def _num_out(value: float) -> float | int:
    rounded = round(value, 1)
    return int(rounded) if float(rounded).is_integer() else rounded


def _stacks(
    heel: tuple[float | None, float | None, float | None],
    fore: tuple[float | None, float | None, float | None],
    drop: tuple[float | None, float | None, float | None],
) -> tuple[float, float, float, str, str] | None:
    """(heel, forefoot, drop, stack source, drop source) by the lab-vs-brand rule above."""
    for index, source in ((1, "brand"), (0, "lab"), (2, "runrepeat")):
        h, f = heel[index], fore[index]
        if h is None or f is None:
            continue
        stated = drop[index]
        if stated is not None and abs(stated - (h - f)) <= 1.0 and stated >= 0:
            return h, f, stated, source, source
        return h, f, max(h - f, 0.0), source, "derived"
    return None


def original_specs(
    sheet: dict[str, Any] | None,
    processed: dict[str, str] | None,
    hand: dict[str, Any] | None,
    trail: bool,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Catalog values and per-field provenance for a shoe the original data covers.

    Priority per field: the sheet (lab / brand / RunRepeat category), then the processed table
    (`original`), then a fixed rule on sourced cells of the same shoe (`derived`), and only then the
    hand table's judgement or a fixed default (`estimated`)."""
    raw = sheet["raw"] if sheet else {}
    values: dict[str, Any] = {}
    prov: dict[str, str] = {}

    def put(column: str, value: Any, source: str) -> None:
        values[column] = value
        prov[column] = source

    def fallback(column: str, default: Any) -> None:
        put(column, hand[column] if hand else default, "estimated")

    # weight: lab, else brand, else the unlabelled figure, else the processed lab ounces
    w_lab, w_brand, w_one = _pair(raw.get("Weight lab Weight brand", ""), "g")
    if w_lab is not None:
        put("weight_g", w_lab, "lab")
    elif w_brand is not None:
        put("weight_g", w_brand, "brand")
    elif w_one is not None:
        put("weight_g", w_one, "runrepeat")
    elif processed and float(processed["weight_lab_oz"]) > 0:
        put("weight_g", round(float(processed["weight_lab_oz"]) * OZ_TO_G), "original")
    else:
        fallback("weight_g", 280)

    heel_col = "Heel stack lab Heel stack brand" if trail else "Heel lab Heel brand"
    stacks = _stacks(
        _pair(raw.get(heel_col, ""), "mm"),
        _pair(raw.get("Forefoot lab Forefoot brand", ""), "mm"),
        _pair(raw.get("Drop lab Drop brand", ""), "mm"),
    )
    if stacks is None and processed and float(processed["heel_lab_mm"]) > 0:
        h, f = float(processed["heel_lab_mm"]), float(processed["forefoot_lab_mm"])
        stacks = (h, f, max(h - f, 0.0), "original", "derived")
    if stacks is not None:
        h, f, d, stack_source, drop_source = stacks
        put("heel_stack_mm", _num_out(h), stack_source)
        put("forefoot_stack_mm", _num_out(f), stack_source)
        put("drop_mm", _num_out(d), drop_source)
    else:
        for column in ("heel_stack_mm", "forefoot_stack_mm", "drop_mm"):
            fallback(column, {"heel_stack_mm": 34, "forefoot_stack_mm": 26, "drop_mm": 8}[column])

    soft = _level(raw.get("Midsole softness", ""), _SOFTNESS)
    p_soft = int(float(processed["midsole_softness"])) if processed else 0
    if soft is not None:
        put("midsole_softness", soft, "runrepeat")
    elif p_soft > 0:
        put("midsole_softness", {1: 3, 3: 5, 5: 7}.get(p_soft, 5), "original")
    else:
        fallback("midsole_softness", 5)

    pace = raw.get("Pace", "")
    plate_cell = raw.get("Plate", "")
    carbon = "Carbon" in plate_cell or bool(processed and processed.get("plate_carbon_plate") == "1")
    if sheet or processed:
        hand_plate = hand["plate"] if hand else 0
        if carbon:
            put("plate", 2, "runrepeat" if sheet else "original")
        elif hand_plate == 1:
            put("plate", 1, "estimated")  # a nylon / TPU plate: the sheet records carbon plates only
        else:
            put("plate", 0, "runrepeat" if sheet else "original")

    # responsiveness: trail shoes only (RunRepeat's energy return); the road sheets rate no energy
    # return, so the road catalog has no responsiveness column rather than 450 estimates
    if trail:
        energy = _level(raw.get("Energy return", ""), _ENERGY)
        p_energy = int(float(processed.get("energy_return", "0"))) if processed else 0
        if energy is not None:
            put("responsiveness", energy, "runrepeat")
        elif p_energy > 0:
            put("responsiveness", {1: 4, 3: 6, 5: 8}.get(p_energy, 6), "original")
        else:
            fallback("responsiveness", 5)

    arch = raw.get("Arch support", "")
    if arch:
        put("stability", int(arch in ("Stability", "Motion control")), "runrepeat")
    elif processed:
        put("stability", int(processed["arch_stability"] == "1"), "original")
    else:
        fallback("stability", 0)

    widths = raw.get("Widths available", "")
    if widths:
        # offered in that width, or (narrow, wide) built on a last of that fit: RunRepeat's
        # "Width / fit" (a racer's snug last suits a narrow foot; Altra's foot-shaped last a wide one)
        # Narrow: sold narrow, or a last RunRepeat measures narrow (a racer's snug fit suits a narrow
        # foot). Wide: sold in X-Wide, or in Wide on a last RunRepeat does not measure narrow at the
        # toebox or overall (a wide size of a narrow racing last does not fit a wide foot).
        fit, toebox = raw.get("Width / fit", ""), raw.get("Toebox width", "")
        narrow_last = fit == "Narrow" or toebox == "Narrow"
        put("width_narrow", int("Narrow" in widths or fit == "Narrow"), "derived")
        put("width_regular", int("Normal" in widths or widths.strip() in ("", "-")), "runrepeat")
        put("width_wide", int("X-Wide" in widths or ("Wide" in widths and not narrow_last)), "derived")
        if not (values["width_narrow"] or values["width_regular"] or values["width_wide"]):
            put("width_regular", 1, "derived")
    else:
        for column in ("width_narrow", "width_regular", "width_wide"):
            fallback(column, int(column == "width_regular"))

    name_text = f"{sheet['name'] if sheet else ''} {hand['name'] if hand else ''}"
    waterproofing = raw.get("Waterproofing", "")
    if "Waterproof" in waterproofing.replace("Water repellent", ""):
        put("water_resistance", 2, "runrepeat")
    elif "Water repellent" in waterproofing:
        put("water_resistance", 1, "runrepeat")
    elif processed and processed.get("waterproof") == "1":
        put("water_resistance", 2, "original")
    elif processed and processed.get("water_repellent") == "1":
        put("water_resistance", 1, "original")
    else:  # the model name says it: GTX / Waterproof / All-Wthr membranes, a Shield finish
        membrane = re.search(r"\b(GTX|Gore-Tex|Waterproof|WP|All-Wthr)\b", name_text)
        put("water_resistance", 2 if membrane else 1 if "Shield" in name_text else 0, "derived")

    breath = _level(raw.get("Breathability", ""), _BREATH)
    p_breath = int(float(processed["breathability_scaled"])) if processed else 0
    if breath is not None:
        put("breathability", breath, "runrepeat")
    elif p_breath > 0:
        put("breathability", {1: 2, 3: 4, 5: 5}.get(p_breath, 4), "original")
    else:
        fallback("breathability", 2 if values["water_resistance"] == 2 else 4)

    # warmth: RunRepeat's season (winter shoes and membranes are warm), else the processed
    # season flags, else the membrane alone
    season = _clean(raw.get("Season", "")).replace(" ", "")
    membrane_on = values["water_resistance"] == 2
    if season in ("Winter", "SummerAllseasons", "Allseasons"):
        put("warmth", 4 if season == "Winter" or membrane_on else 2, "runrepeat")
    elif processed and any(processed[f"season_{s}"] == "1" for s in ("winter", "summer", "all")):
        put("warmth", 4 if processed["season_winter"] == "1" or membrane_on else 2, "original")
    else:
        put("warmth", 4 if membrane_on else 2, "derived")

    insole = raw.get("Removable insole", "")
    if insole in ("0", "1"):
        put("removable_insole", int(insole), "runrepeat")
    elif processed:
        put("removable_insole", int(processed["removable_insole"] == "1"), "original")
    else:
        fallback("removable_insole", 1)

    if pace:
        daily, tempo, comp = "Daily" in pace, "Tempo" in pace, "Competition" in pace
        uses_from = "runrepeat"
    elif processed and "pace_daily_running" in processed:
        daily = processed["pace_daily_running"] == "1"
        tempo = processed["pace_tempo"] == "1"
        comp = processed["pace_competition"] == "1"
        uses_from = "original"
    else:
        daily = tempo = comp = False
        uses_from = ""
    if uses_from:
        put("use_daily", int(daily), uses_from)
        put("use_tempo", int(tempo), uses_from)
        # "Competition" alongside "Tempo" is a racer only with a carbon plate at racing weight
        # (<= 235 g); otherwise a tempo trainer that can race (use_race marks racers only)
        if comp and tempo and (values["plate"] != 2 or values["weight_g"] > 235):
            put("use_race", 0, "derived")
        else:
            put("use_race", int(comp), uses_from)
        if not (daily or tempo or comp):
            put("use_daily", 1, "derived")
    elif trail and sheet:
        # The trail sheet has no pace column. Rule on its own ratings: a carbon plate races;
        # RunRepeat's "lightweight" flag or a high energy return makes a shoe for fast running.
        fast = raw.get("Lightweight") == "1" or raw.get("Energy return") == "High"
        put("use_race", int(values["plate"] == 2), "derived")
        put("use_tempo", int(fast), "derived")
        put("use_daily", int(values["plate"] != 2 or not fast), "derived")
    else:
        for column in ("use_daily", "use_tempo", "use_race"):
            fallback(column, int(column == "use_daily"))

    if trail:
        lug = _pair(raw.get("Lug depth", ""), "mm")[2]
        p_lug = float(processed["lug_dept_mm"]) if processed else 0.0
        if lug is not None and lug >= 1:
            put("lug_depth_mm", _num_out(lug), "lab")
        elif p_lug >= 1:
            put("lug_depth_mm", _num_out(p_lug), "original")
        else:
            fallback("lug_depth_mm", 4)
        rock = "Rock" in plate_cell or bool(processed and processed.get("plate_rock_plate") == "1")
        put("rock_plate", int(rock), "runrepeat" if sheet else "original")
        terrain = raw.get("Trail terrain", "")
        if terrain and terrain != "-":
            source = "runrepeat"
            light, moderate, technical = "Light" in terrain, "Moderate" in terrain, "Technical" in terrain
        elif processed:
            source = "original"
            light = processed["terrain_light"] == "1"
            moderate = processed["terrain_moderate"] == "1"
            technical = processed["terrain_technical"] == "1"
        else:
            source = ""
            light = moderate = technical = False
        if source:
            put("terrain_light", 5 if light else 3 if moderate else 2, source)
            put("terrain_mixed", 5 if moderate else 3, source)
            put("terrain_rocky", 5 if technical else 3 if moderate else 2, source)
        else:
            for column in ("terrain_light", "terrain_mixed", "terrain_rocky"):
                fallback(column, 3)
        # mud: how deep the lugs bite (the sheets have no mud rating), from the sourced lug depth
        depth = values["lug_depth_mm"]
        muddy = 5 if depth >= 5 else 4 if depth >= 4 else 3 if depth >= 3 else 2
        put("terrain_muddy", muddy, "derived" if prov["lug_depth_mm"] != "estimated" else "estimated")

    # attributes: RunRepeat's figures and categories, empty when the sheet has none
    attrs: dict[str, Any] = {
        "price_usd": _price(raw.get("Price", "")),
        "audience_score": _audience(raw.get("Audience score", "")),
        "popularity": _popularity(raw.get("Popularity", "")),
        "rocker": int(raw["Rocker"]) if raw.get("Rocker") in ("0", "1") else None,
        "toebox_width": _level(raw.get("Toebox width", ""), _TOEBOX),
        "torsional_rigidity": _level(raw.get("Torsional rigidity", ""), _LEVEL3),
        "heel_counter": _level(raw.get("Heel counter stiffness", ""), _LEVEL3),
        "orthotic_friendly": int(raw["Orthotic friendly"])
        if raw.get("Orthotic friendly") in ("0", "1")
        else None,
    }
    scores = [
        _DURABILITY[v]
        for v in (
            _clean(raw.get(c, "")).lower()
            for c in ("Toebox durability", "Heel padding durability", "Outsole durability")
        )
        if v in _DURABILITY
    ]
    attrs["durability"] = round(sum(scores) / len(scores), 2) if scores else None
    if processed and attrs["rocker"] is None and "rocker" in processed:
        attrs["rocker"] = int(processed["rocker"])
        prov["rocker"] = "original"
    for column, value in attrs.items():
        values[column] = value
        if value is not None:
            prov.setdefault(column, "runrepeat")
    values["season"] = (
        "winter" if "Winter" in season else "summer" if season.startswith("Summer") else
        "all" if season == "Allseasons" else ""
    )  # fmt: skip
    return values, prov


NEWEST_SHEET_YEAR = 2024  # the sheets were scraped in 2025: their newest models are 2024-2025 releases


def _spread_new_family_years(rows: list[dict[str, Any]], hand: list[dict[str, Any]]) -> None:
    """New shoes of a family the hand table lacks all got the default year: order them by version
    instead, the newest in NEWEST_SHEET_YEAR and each older version a year earlier (estimated)."""
    known = {r["family"] for r in hand}
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["family"] not in known and row["provenance"].get("release_year") == "estimated":
            groups.setdefault(row["family"], []).append(row)
    for members in groups.values():
        versions = sorted({version_number(r["name"]) for r in members}, reverse=True)
        for row in members:
            row["release_year"] = NEWEST_SHEET_YEAR - versions.index(version_number(row["name"]))


def estimate_year(brand: str, name: str, known: list[dict[str, Any]]) -> int:
    """A new shoe's release year (the sheets carry none): the nearest version of its family in the
    hand table plus one year per version (the usual yearly cadence), else 2022. Always `estimated`."""
    family, version = family_of(brand, name), version_number(name)
    relatives = [r for r in known if r["family"] == family and r["release_year"]]
    if not relatives:
        return 2022
    if version <= 0:  # an unnumbered model is the family's first: a year before the others
        return int(max(min(r["release_year"] for r in relatives) - 1, 2015))
    nearest = min(relatives, key=lambda r: (abs(version_number(r["name"]) - version), -r["release_year"]))
    step = version - max(version_number(nearest["name"]), 1.0)  # an unnumbered model is version 1
    return int(min(max(nearest["release_year"] + round(step), 2015), 2025))


def merge(hand: list[dict[str, Any]], trail: bool, taken: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """The hand table's rows (ids kept) joined to the original data, then the original data's other
    shoes appended. `taken` holds (brand, key) pairs already in the other type's catalog: the trail
    sheet lists a few road shoes (Alphafly, Vomero...), which stay road shoes."""
    sheet_rows = read_sheet(ORIGINAL_DIR / (TRAIL_SHEET if trail else ROAD_SHEET), trail)
    processed = read_processed(ORIGINAL_DIR / (TRAIL_PROCESSED if trail else ROAD_PROCESSED))
    features = TRAIL_FEATURES if trail else ROAD_FEATURES
    by_key: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in sheet_rows:
        key = (entry["brand"], ALIASES.get((entry["brand"], entry["key"]), entry["key"]))
        by_key.setdefault(key, entry)
    used: set[tuple[str, str]] = set()
    out: list[dict[str, Any]] = []
    for row in hand:
        published = row["spec_source"] == "published"
        key = (row["brand"], model_key(row["brand"], row["name"]))
        sheet, proc = by_key.get(key), processed.get(key)
        if sheet or proc:
            values, prov = original_specs(sheet, proc, row, trail)
            row.update(values)
            row["spec_source"] = "original"
            row["status"] = "active"
            row["source_rows"] = _source_rows(sheet, proc, trail)
            used.add(key)
        elif (base := _membrane_base(row, by_key, processed)) is not None:
            # A membrane edition the data lacks, of a model it has: same sole and last, so the
            # base model's sole figures carry over (`derived`); weight, breathability and warmth
            # differ with the upper and stay the hand table's (`estimated`).
            _base_key, base_sheet, base_proc = base
            values, prov = original_specs(base_sheet, base_proc, row, trail)
            for column in list(prov):
                if prov[column] not in ("estimated", "derived"):
                    prov[column] = "derived"
            for column in ("weight_g", "breathability", "warmth"):
                values[column] = row[column]
                prov[column] = "estimated"
            values["water_resistance"] = max(row["water_resistance"], 1)
            prov["water_resistance"] = "derived"
            for column in ("price_usd", "audience_score", "popularity", "durability"):
                values[column] = None
                prov.pop(column, None)
            row.update(values)
            row["spec_source"] = "original"
            row["status"] = "active"
            row["source_rows"] = "membrane edition of " + _source_rows(base_sheet, base_proc, trail)
        elif (base_row := _published_base(row, out)) is not None:
            # a membrane edition of a hand-table shoe with published figures: its stacks carry over
            prov = {c: "estimated" for c in features}
            for column in ("heel_stack_mm", "forefoot_stack_mm", "drop_mm"):
                row[column] = base_row[column]
                prov[column] = "derived"
            prov["water_resistance"] = "derived"
            row.update(dict.fromkeys(ATTRIBUTE_COLUMNS))
            row.update(status="active", season="", source_rows=f"membrane edition of {base_row['name']}")
            row["spec_source"] = "published"
        else:
            row["status"] = "active" if published else "retired"
            prov = {c: "estimated" for c in features}
            if published:
                prov.update(
                    dict.fromkeys(("weight_g", "heel_stack_mm", "forefoot_stack_mm", "drop_mm"), "published")
                )
            row.update(dict.fromkeys(ATTRIBUTE_COLUMNS))
            row["season"] = ""
            row["source_rows"] = ""
        prov["release_year"] = "published" if published else "estimated"
        row["provenance"] = prov
        out.append(row)
    # The original data's other shoes: sheet order, then processed rows the sheet lacks.
    extra: list[tuple[tuple[str, str], dict[str, Any] | None, dict[str, str] | None, str, str]] = []
    for key, entry in by_key.items():
        if key not in used and key not in taken and by_key[key] is entry:
            extra.append((key, entry, processed.get(key), entry["brand"], entry["name"]))
    for key, proc in processed.items():
        if key not in used and key not in taken and key not in by_key:
            extra.append((key, None, proc, key[0], _title(proc["name"])))
    spellings = family_spellings(hand)
    names = {(r["brand"], r["name"]) for r in hand}
    for key, sheet, proc, brand, name in extra:
        name = catalog_spelling(brand, name, spellings, names)
        names.add((brand, name))
        values, prov = original_specs(sheet, proc, None, trail)
        row = {"name": name, "brand": brand, **values}
        row["release_year"] = estimate_year(brand, name, hand)
        prov["release_year"] = "estimated"
        row.update(spec_source="original", status="active", provenance=prov)
        row["source_rows"] = _source_rows(sheet, proc, trail)
        row["family"] = family_of(brand, name)
        row["role"] = role_of(row)
        used.add(key)
        out.append(row)
    for row in out:
        for column, value in CORRECTIONS.get((row["brand"], row["name"]), {}).items():
            row[column] = value
            row["provenance"][column] = "published"
    _spread_new_family_years(out, hand)
    for row in out:
        row["role"] = role_of(row)
    active = [r for r in out if r["status"] == "active"]
    mark_current(active)
    for row in out:
        if row["status"] != "active":
            row["current"] = 0
    taken.update(used)
    taken.update((r["brand"], model_key(r["brand"], r["name"])) for r in out)
    return out


MARKETING_PREFIXES: dict[str, tuple[str, ...]] = {
    "Nike": ("Air Zoom ", "ZoomX ", "Zoom X ", "Air ", "React "),
    "New Balance": ("Fresh Foam X ", "Fresh Foam ", "FuelCell ", "Fuelcell "),
}


def family_spellings(hand: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """(brand, compact model) -> the hand table's spelling of that model family ("GT-2000")."""
    out: dict[tuple[str, str], str] = {}
    for row in hand:
        model = row["family"][len(row["brand"]) + 1 :]
        out.setdefault((row["brand"], model_key(row["brand"], model)), model)
    return out


def catalog_spelling(
    brand: str, name: str, spellings: dict[tuple[str, str], str], taken: set[tuple[str, str]]
) -> str:
    """A new shoe's name in the spelling the catalog already uses for its family, so that versions
    line up ("GT 2000 14" -> "GT-2000 14", Nike's "Air Zoom Pegasus 36" -> "Pegasus 36")."""
    if brand == "New Balance":
        name = re.sub(r"\b(\d{3,4}) v(\d+)\b", r"\1v\2", name)  # "860 v11" -> "860v11"
    candidates = [name]
    candidates += [name[len(p) :] for p in MARKETING_PREFIXES.get(brand, ()) if name.startswith(p)]
    for candidate in candidates:
        tokens = candidate.split()
        for k in range(len(tokens), 0, -1):
            model = spellings.get((brand, model_key(brand, " ".join(tokens[:k]))))
            if model is not None:
                renamed = " ".join([model, *tokens[k:]])
                if (brand, renamed) not in taken:
                    return renamed
    return name


def _published_base(row: dict[str, Any], earlier: list[dict[str, Any]]) -> dict[str, Any] | None:
    if row["water_resistance"] == 0 or MEMBRANE_WORDS.sub("", row["name"]) == row["name"]:
        return None
    base_name = MEMBRANE_WORDS.sub("", row["name"])
    for other in earlier:
        if (other["brand"], other["name"]) == (row["brand"], base_name) and other[
            "spec_source"
        ] == "published":
            return other
    return None


def _membrane_base(
    row: dict[str, Any],
    by_key: dict[tuple[str, str], dict[str, Any]],
    processed: dict[tuple[str, str], dict[str, str]],
) -> tuple[tuple[str, str], dict[str, Any] | None, dict[str, str] | None] | None:
    if row["water_resistance"] == 0:
        return None
    base_name = MEMBRANE_WORDS.sub("", row["name"])
    if base_name == row["name"]:
        return None
    key = (row["brand"], model_key(row["brand"], base_name))
    sheet, proc = by_key.get(key), processed.get(key)
    return (key, sheet, proc) if sheet or proc else None


def _title(text: str) -> str:
    return " ".join(
        t.upper() if re.fullmatch(r"[a-z]{1,2}\d*|gtx|v\d+", t) else t.capitalize() for t in text.split()
    )


def _source_rows(sheet: dict[str, Any] | None, proc: dict[str, str] | None, trail: bool) -> str:
    parts = []
    if sheet:
        parts.append(f"{'trail' if trail else 'road'} sheet row {sheet['line']}")
    if proc:
        parts.append(f"{'trail' if trail else 'road'}_dataset.csv row {proc['line']}")
    return "; ".join(parts)


def provenance_text(prov: dict[str, str], columns: list[str]) -> str:
    return " ".join(f"{c}:{prov[c]}" for c in columns if c in prov)


def write_csv(path: Path, rows: list[dict[str, Any]], prefix: str, features: list[str]) -> None:
    columns = METADATA_COLUMNS + DESCRIPTIVE_COLUMNS + features + ATTRIBUTE_COLUMNS + EXTRA_COLUMNS
    order = ["release_year", *features, *ATTRIBUTE_COLUMNS]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for index, row in enumerate(rows, start=1):
            row["shoe_id"] = f"{prefix}{index:03d}"
            cells = {**row, "provenance": provenance_text(row["provenance"], order)}
            writer.writerow([_cell(cells.get(c)) for c in columns])


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return _num_out(value) if value != round(value, 2) or abs(value - round(value, 1)) < 1e-9 else value
    return value


def main() -> None:
    taken: set[tuple[str, str]] = set()
    road = merge(parse_table(ROAD, trail=False), trail=False, taken=taken)
    trail = merge(parse_table(TRAIL, trail=True), trail=True, taken=taken)
    write_csv(HERE / "road_dataset.csv", road, "R", ROAD_FEATURES)
    write_csv(HERE / "trail_dataset.csv", trail, "T", TRAIL_FEATURES)
    print(f"wrote {len(road)} road and {len(trail)} trail shoes")


if __name__ == "__main__":
    main()
