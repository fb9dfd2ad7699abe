document.querySelectorAll('.load-more a').forEach(function(a){a.addEventListener('click',function(){});});
