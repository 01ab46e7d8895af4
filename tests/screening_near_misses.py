"""Near misses for the screening tests: ordinary text that looks like personal data in the new
forms screening reads (NHS 111, prices, times, years, versions, appointment dates, prose with
"at" and "dot", links with harmless numbers). None of it may be held."""

from __future__ import annotations

from screening_cases import wide

NEAR_MISSES = [
    # service numbers, in the new forms too
    "If it is urgent call NHS 111, or 999 in an emergency.",
    "call 111 or 999",
    "Ring NHS\u00a0111 or *999*.",
    wide("Ring 111 or 999 for help"),
    "Ring 111 or 119 for the vaccine",
    # prices
    "Parking went up to £1,234.56 a year.",
    "It cost **£1,234.56**, or £1\u00a0234.56 with the fee.",
    "A prescription is £9.90; a year's certificate £114.50.",
    # times
    "The clinic is open 10.30\u201311.45 and 14.00-16.30.",
    "Open 09.00 - 17.00 Monday to Friday, 9:00\u201317:30 at weekends.",
    "We waited from 10.30\n11.45 was when we were seen.",
    # years and periods
    "In 2019/2020 and 2020/2021 the budget fell.",
    "The plan for 2019\u20132020, then 2024/25.",
    "*2019*/*2020* was hard.",
    "Figures for 2019\n2020\n2021 are in the report.",
    # versions, addresses of machines, scores and ratios
    "The app is version 1.2.3.4 now, or v10.2.1 on older phones.",
    "The router is at 192.168.0.1 and the score was 7/10.",
    "The ratio was 3/4/5 across the three sites.",
    # appointment dates
    "My appointment is on 25/11/2026 at 10.30.",
    "Appointment: 01/12/2026 10:30, then 03.03.2027.",
    "See you on 25\u201311\u20132026 or " + wide("25/11/2026."),
    "The clinic reopens on 3\u00a0March 2026.",
    "From 01/02/2026 \u2013 03/04/2026 the ward is closed.",
    # references and counts
    "Your reference is REF 123456.",
    "Order number 4736219, ticket 12-345-678.",
    "My NHS number is 943 476 5918",
    "Reference 9434765960 (fails the check)",
    "There were 5 people in the street and 3 cars on the road.",
    # prose with "at" and "dot"
    "See you at the clinic.",
    "I'll see you at the clinic dot",
    "I worked at the dot com boom.",
    "We met at reception, then at the pharmacy. Com",
    "Look at nhs.uk for advice, details at www.nhs.uk.",
    "Meet at 10 dot 30 by the main door.",
    "She is at home (dot) on the map.",
    "The nurse at the desk was kind; the doctor at the end dot too.",
    "Thanks @sam_jones, and user@ alone is not an address",
    # links with harmless numbers
    "See https://www.nhs.uk/service-search?page=2&results=20 for more.",
    "https://example.org/news/2019/03/03/clinic-opens",
    "[the leaflet](https://example.org/leaflet?id=12345&v=2)",
    "https://youtu.be/dQw4w9WgXcQ?t=120",
    "https://example.org/item/2024/06/1234567",
    "<https://www.nhs.uk/conditions/flu/>",
    # outward postcodes alone
    "I live in RV3, near SW1A and the M1.",
    # lists
    "1. Book\n2. Arrive\n3. Wait 20 minutes",
    "Doses: 0.5 mg, then 1.5 mg, then 2.5 mg",
    # what patients write about their care
    "I'm 65 years old and waited 3 hours 45 minutes in A&E on Tuesday.",
    "Ward 7, bed 12, was clean; the ward round is at 9.30.",
    "My blood pressure was 120/80 and my temperature 38.5.",
    "The dose went from 2.5mg/5ml to 5 mg twice a day.",
    "Height 1.75 m, weight 82.5 kg, BMI 26.9.",
    "The 2023/24 annual report and phase 2.1.3 of the plan.",
    "Policy NHS-2021-003 says 18 weeks from referral.",
    "We took the A38, then the M5 at junction 11.",
    "I rated it 4.5/5 and about 1,000-2,000 people agreed.",
    "From January 2020 to March 2021 the clinic was shut.",
    "Queue number 42 of 120; room 3.14 on floor 2.",
    "Open 8am-6.30pm, Saturdays 9.00\u201312.00.",
    "Press 1, then 2, then 3 to reach the pharmacy.",
    "Booked for 12/12/2026 at 09.15 \u2013 09.30.",
    "Over 16,000 people answered; 9,434 of them online.",
    "Score: 943 out of 1000, up from 476.",
    "Between 2019\u20132020 and 2021\u20132022 waits doubled.",
    "Approx. 07.00\u201319.00 every day, 365 days a year.",
    "See section 4.3.2 and appendix 12.1 of the strategy.",
    # prose with "at" and "dot", again
    "I arrived at 9 and left at 11.",
    "The staff at St Mary's were lovely.",
    "Look at the NHS app or at www.nhs.uk/nhs-app.",
    "We are at capacity, said the receptionist at the front desk.",
    "Email us at the address on your letter.",
    "He works at a dot com start-up now.",
    "The surgery at Vale Cross dot the i's and cross the t's.",
    "Staff at the practice. Uk-wide rules apply.",
    # more harmless links
    "https://111.nhs.uk/ and https://www.gov.uk/government/publications/nhs-111-2019-2020",
    "[the report](https://example.org/report-2019-2020.pdf)",
    "https://www.nhs.uk/nhs-services/gps/?postcode=&distance=5",
    "https://example.org/consultation#section-3.2",
    "mailto: is how the link starts, and tel: too",
    "https://wa.me/ is WhatsApp's link address",
]
