"""The 2020 joint directive of seed 004: its title, preamble and nine numbered contents."""

TITLE = 'Đẩy mạnh các phong trào thi đua yêu nước năm 2020 trong ngành Công Thương'

PREAMBLE = (
    'Năm 2020 có ý nghĩa đặc biệt quan trọng, năm cuối thực hiện kế hoạch phát triển kinh tế - '
    'xã hội 5 năm 2016 - 2020, chuẩn bị và tạo đà cho kế hoạch 5 năm 2021 - 2025 và Chiến lược '
    '10 năm 2021 – 2030. Trong khi đó, nền kinh tế nước ta tiếp tục hội nhập ngày càng sâu rộng '
    'cùng sự phát triển mạnh mẽ của cuộc Cách mạng công nghiệp 4.0 đã khiến nền kinh tế Việt '
    'Nam có những chuyển biến quyết liệt nhưng song hành với nó là những yếu tố bất định hơn từ '
    'môi trường kinh tế thế giới. Trước tình hình đó, nhiệm vụ của ngành Công Thương trong năm '
    '2020 hết sức nặng nề, đòi hỏi toàn Ngành phải có những nỗ lực rất lớn nhằm đạt các mục '
    'tiêu cụ thể được Quốc hội và Chính phủ giao.'
)

MOVEMENTS = [
    ('Triển khai tích cực Đề án và Kế hoạch cơ cấu lại các ngành công nghiệp song song với '
     'việc hoàn thiện cơ chế, chính sách để hỗ trợ sản xuất trong nước, phát triển công nghiệp '
     'hỗ trợ, tăng tỷ lệ nội địa hóa.'),
    ('Rà soát cơ chế, chính sách tác động đến công nghiệp của từng ngành, sản phẩm; Rà soát, '
     'cân đối lại tổng thể cơ cấu các nguồn năng lượng và thực hiện các cơ chế chính sách, '
     'biện pháp để bảo đảm cho phát triển kinh tế - xã hội của đất nước bền vững.'),
    ('Bảo đảm cân đối xuất, nhập khẩu, đóng góp tích cực cho tăng trưởng. Tổ chức khai thác, '
     'tận dụng cơ hội từ các Hiệp định thương mại tự do (FTA); thực hiện tích cực Đề án “Tăng '
     'cường quản lý nhà nước về chống lẩn tránh biện pháp phòng vệ thương mại và gian lận xuất '
     'xứ”.'),
    ('Thúc đẩy sự phát triển và phát huy hiệu quả vai trò thị trường trong nước, ứng dụng mạnh '
     'mẽ công nghệ thông tin trong hoạt động thương mại, phát triển mạnh thương mại điện tử '
     'gắn kết với thương mại truyền thống; Thực hiện hiệu quả xây dựng thương hiệu hàng Việt '
     'Nam và Cuộc vận động “Người Việt Nam ưu tiên dùng hàng Việt Nam”.'),
    ('Thực hiện đồng bộ và khai thác hiệu quả các FTA đã có hiệu lực; Chú trọng nâng cao năng '
     'lực hội nhập quốc tế; Tiếp tục vận động phê chuẩn Hiệp định EVFTA và Hiệp định IPA; Đẩy '
     'nhanh việc ban hành các văn bản quy định chi tiết thi hành các Luật, Pháp lệnh, Nghị '
     'quyết có hiệu lực tạo điều kiện thuận lợi nhằm huy động nhiều nguồn lực đầu tư; Chú '
     'trọng sửa đổi, bổ sung, ban hành mới văn bản quy phạm pháp luật phù hợp với cam kết quốc '
     'tế.'),
    ('Thực hiện nghiêm các chương trình, kế hoạch về cải cách hành chính; Công khai, minh bạch '
     'hoạt động quản lý; Thực hiện quyết liệt các giải pháp phòng chống tham nhũng, lãng phí, '
     'nâng cao hiệu quả công tác thanh tra, giải quyết khiếu nại, tố cáo; Tăng cường tiếp xúc, '
     'đối thoại về cơ chế, chính sách gắn với sản xuất kinh doanh và đời sống nhân dân.'),
    ('Thực hiện tốt Quy chế dân chủ ở cơ sở hướng tới tổ chức thành công Đại hội thi đua các '
     'cấp tiến tới Đại hội Thi đua yêu nước ngành Công Thương lần thứ III; Xây dựng nền hành '
     'chính hiện đại, chuyên nghiệp, hiệu quả.'),
    ('Xây dựng kế hoạch và triển khai phong trào thi đua yêu nước gắn liền với các Nghị quyết, '
     'kế hoạch, chương trình của Đảng, Nhà nước, tổ chức Công đoàn chào mừng Đại hội đảng bộ '
     'các cấp tiến tới Đại hội Đại biểu toàn quốc lần thứ XIII của Đảng vào năm 2021; Tiếp tục '
     'hưởng ứng, tham gia các phong trào thi đua; Chủ động phát hiện, bồi dưỡng, tổng kết, '
     'biểu dương khen thưởng kịp thời những tập thể, cá nhân tiêu biểu có thành tích đặc biệt '
     'xuất sắc trong các phong trào thi đua và nhân rộng các điển hình tiên tiến.'),
    ('Nâng cao nhận thức về vai trò, vị trí và tầm quan trọng của việc thực hiện các phong '
     'trào thi đua yêu nước trong toàn Ngành; cụ thể hóa mục tiêu thi đua thành chương trình '
     'hành động, có biện pháp phù hợp để tổ chức thực hiện được kết quả một cách thực chất, '
     'góp phần hoàn thành toàn diện kế hoạch 5 năm giai đoạn 2016 - 2020 mà Đảng, Quốc hội, '
     'Chính phủ đã giao cho ngành Công Thương.'),
]

# The 2026 campaign is cloned from the 2020 directive: the words that name a year are its own.
PREAMBLE_2026 = (
    'Năm 2026 là năm đầu thực hiện kế hoạch phát triển kinh tế - xã hội 5 năm 2026 - 2030 và '
    'Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIV của Đảng, tiếp tục thực hiện Chiến lược '
    '10 năm 2021 – 2030. Nền kinh tế nước ta hội nhập ngày càng sâu rộng, cùng sự phát triển '
    'mạnh mẽ của cuộc Cách mạng công nghiệp lần thứ tư và chuyển đổi số, đồng thời chịu nhiều '
    'yếu tố bất định từ môi trường kinh tế thế giới. Trước tình hình đó, nhiệm vụ của ngành '
    'Công Thương trong năm 2026 hết sức nặng nề, đòi hỏi toàn Ngành phải có những nỗ lực rất '
    'lớn nhằm đạt các mục tiêu cụ thể được Quốc hội và Chính phủ giao.'
)

# Movements whose 2020 wording names a year, as the 2026 campaign words them (by number).
MOVEMENTS_2026 = {
    8: ('Xây dựng kế hoạch và triển khai phong trào thi đua yêu nước gắn liền với các Nghị quyết, '
        'kế hoạch, chương trình của Đảng, Nhà nước, tổ chức Công đoàn, thi đua thực hiện thắng '
        'lợi Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIV của Đảng; Tiếp tục hưởng ứng, tham '
        'gia các phong trào thi đua; Chủ động phát hiện, bồi dưỡng, tổng kết, biểu dương khen '
        'thưởng kịp thời những tập thể, cá nhân tiêu biểu có thành tích đặc biệt xuất sắc trong '
        'các phong trào thi đua và nhân rộng các điển hình tiên tiến.'),
    9: ('Nâng cao nhận thức về vai trò, vị trí và tầm quan trọng của việc thực hiện các phong '
        'trào thi đua yêu nước trong toàn Ngành; cụ thể hóa mục tiêu thi đua thành chương trình '
        'hành động, có biện pháp phù hợp để tổ chức thực hiện được kết quả một cách thực chất, '
        'góp phần hoàn thành kế hoạch năm 2026, năm đầu của kế hoạch 5 năm giai đoạn 2026 - 2030 '
        'mà Đảng, Quốc hội, Chính phủ đã giao cho ngành Công Thương.'),
}

COMPACT = ("Các đơn vị trong cụm cùng ký giao ước thi đua năm {year}, cam kết hoàn thành 9 nội "
           "dung của Chỉ thị.")
